import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { FIELD_TYPES, type FieldDefinition, type FieldType } from '../../../../libs/domain/src/index.js';
import { IsPresentNotNull } from '../contacts/contacts.dto.js';

export class CreateFieldDto {
  @ApiProperty({
    description: "Key used in contacts' custom object: a-z first, then a-z, 0-9 and _, up to 63 characters",
    example: 'travel_budget',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'key must be a-z first, then up to 62 of a-z, 0-9 and _' })
  key!: string;

  @ApiProperty({ description: 'Label shown to users', example: 'Travel budget' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'label must not be blank' })
  label!: string;

  @ApiProperty({ description: 'Value type; fixed once created', enum: FIELD_TYPES })
  @IsIn(FIELD_TYPES)
  type!: FieldType;

  @ApiPropertyOptional({ description: 'For enum fields: the allowed values', type: [String] })
  @IsPresentNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  options?: string[];
}

export class UpdateFieldDto {
  @ApiPropertyOptional({ description: 'New label' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'label must not be blank' })
  label?: string;

  @ApiPropertyOptional({
    description: 'For enum fields: the new allowed values; a value contacts still hold cannot be dropped',
    type: [String],
  })
  @IsPresentNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  options?: string[];
}

export class FieldResponseDto {
  @ApiProperty({ description: "Key of the field in contacts' custom object" })
  key!: string;

  @ApiProperty({ description: 'Label shown to users' })
  label!: string;

  @ApiProperty({ description: 'Value type', enum: FIELD_TYPES })
  type!: FieldType;

  @ApiProperty({ description: 'Allowed values of an enum field; empty otherwise', type: [String] })
  options!: string[];

  @ApiProperty({ description: 'When the field was defined (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;
}

export class FieldPageDto {
  @ApiProperty({ description: 'Field definitions by key', type: [FieldResponseDto] })
  items!: FieldResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export function mapField(field: FieldDefinition): FieldResponseDto {
  return {
    key: field.key,
    label: field.label,
    type: field.type,
    options: field.options,
    createdAt: field.createdAt.toISOString(),
  };
}
