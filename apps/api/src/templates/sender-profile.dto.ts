import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { SenderProfile } from '../../../../libs/domain/src/index.js';
import { IsPresentNotNull } from '../contacts/contacts.dto.js';

const optionalText = (description: string, max = 200) =>
  ApiPropertyOptional({
    description: `${description}; null clears it`,
    nullable: true,
    type: String,
    maxLength: max,
  });

export class UpdateSenderProfileDto {
  @ApiPropertyOptional({ description: 'Sender name: letterhead, return line, email footer' })
  @IsPresentNotNull()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @optionalText('Street and number')
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street?: string | null;

  @optionalText('Postal code')
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @optionalText('City')
  @IsOptional()
  @IsString()
  @MaxLength(200)
  city?: string | null;

  @optionalText('ISO 3166-1 alpha-2 country code, e.g. DE', 2)
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE' })
  country?: string | null;

  @optionalText('Contact email shown to recipients', 320)
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @optionalText('Phone number')
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @optionalText('Website URL', 500)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  website?: string | null;

  @optionalText('Register entry, VAT id and the like, printed in the footer', 1000)
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  legalNotice?: string | null;

  @optionalText('BCP 47 language used when a contact has none, e.g. de-DE', 35)
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string | null;

  @optionalText('IANA time zone used when a contact has none, e.g. Europe/Berlin', 64)
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string | null;
}

export class SenderProfileResponseDto {
  @ApiProperty({ description: 'Sender name' })
  name!: string;

  @ApiProperty({ description: 'Street and number', nullable: true, type: String })
  street!: string | null;

  @ApiProperty({ description: 'Postal code', nullable: true, type: String })
  postalCode!: string | null;

  @ApiProperty({ description: 'City', nullable: true, type: String })
  city!: string | null;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2 country code', nullable: true, type: String })
  country!: string | null;

  @ApiProperty({ description: 'Contact email', nullable: true, type: String })
  email!: string | null;

  @ApiProperty({ description: 'Phone number', nullable: true, type: String })
  phone!: string | null;

  @ApiProperty({ description: 'Website URL', nullable: true, type: String })
  website!: string | null;

  @ApiProperty({ description: 'Legal notice lines', nullable: true, type: String })
  legalNotice!: string | null;

  @ApiProperty({ description: 'Fallback language', nullable: true, type: String })
  language!: string | null;

  @ApiProperty({ description: 'Fallback time zone', nullable: true, type: String })
  timeZone!: string | null;

  @ApiProperty({ description: 'When it last changed (ISO 8601, UTC)', format: 'date-time' })
  updatedAt!: string;
}

export function mapSenderProfile(profile: SenderProfile): SenderProfileResponseDto {
  return { ...profile, updatedAt: profile.updatedAt.toISOString() };
}
