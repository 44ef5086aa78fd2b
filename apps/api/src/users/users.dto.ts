import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { User } from '../../../../libs/domain/src/index.js';

export class CreateUserDto {
  @ApiProperty({ description: 'Full name', example: 'Maria Keller' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ description: 'Email address, unique among users ignoring case', format: 'email' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;
}

export class UserResponseDto {
  @ApiProperty({ description: 'Stable id of the user', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Full name' })
  name!: string;

  @ApiProperty({ description: 'Email address', format: 'email' })
  email!: string;

  @ApiProperty({ description: 'When the user was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;
}

export class UserPageDto {
  @ApiProperty({ description: 'Users by name', type: [UserResponseDto] })
  items!: UserResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export function mapUser(user: User): UserResponseDto {
  return { id: user.id, name: user.name, email: user.email, createdAt: user.createdAt.toISOString() };
}
