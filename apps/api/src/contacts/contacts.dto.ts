import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import {
  CONSENT_STATUSES,
  CONTACT_KINDS,
  type ConsentStatus,
  type Contact,
  type ContactKind,
  type CustomValue,
  MAX_TAG_NAME_LENGTH,
} from '../../../../libs/domain/src/index.js';
import { IsIanaTimeZone, IsLanguageTag, IsPhoneNumber } from './field-validators.js';
import { PageQueryDto } from './page.dto.js';

const NOT_BLANK = /\S/;

/** Optional, but when present it may not be null (unlike @IsOptional, which lets null through). */
export const IsPresentNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** Every standard field but email and kind; null clears a field on update. */
export class ContactFieldsDto {
  @ApiPropertyOptional({ description: 'First name', maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  firstName?: string | null;

  @ApiPropertyOptional({ description: 'Last name', maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  lastName?: string | null;

  @ApiPropertyOptional({
    description: "A company's name, or the company a person works for as free text",
    maxLength: 200,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  companyName?: string | null;

  @ApiPropertyOptional({ description: 'Phone number, e.g. +49 30 1234567', nullable: true, type: String })
  @IsOptional()
  @IsPhoneNumber()
  phone?: string | null;

  @ApiPropertyOptional({
    description: 'Street and house number',
    maxLength: 200,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street?: string | null;

  @ApiPropertyOptional({ description: 'Postal code', maxLength: 20, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @ApiPropertyOptional({ description: 'City', maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  city?: string | null;

  @ApiPropertyOptional({
    description: 'ISO 3166-1 alpha-2 country code, e.g. DE',
    example: 'DE',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 country code' })
  country?: string | null;

  @ApiPropertyOptional({ description: 'BCP 47 language tag, e.g. de-AT', nullable: true, type: String })
  @IsOptional()
  @IsLanguageTag()
  language?: string | null;

  @ApiPropertyOptional({ description: 'IANA time zone, e.g. Europe/Berlin', nullable: true, type: String })
  @IsOptional()
  @IsIanaTimeZone()
  timeZone?: string | null;

  @ApiPropertyOptional({
    description: 'Marketing consent; null resets it to unknown',
    enum: CONSENT_STATUSES,
    nullable: true,
  })
  @IsOptional()
  @IsIn(CONSENT_STATUSES)
  consent?: ConsentStatus | null;

  @ApiPropertyOptional({
    description: 'Id of the responsible user',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsUUID()
  responsibleUserId?: string | null;

  @ApiPropertyOptional({
    description: 'Id of the company (a contact of kind company) a person belongs to',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsUUID()
  companyId?: string | null;

  @ApiPropertyOptional({
    description:
      'Custom field values by field key, checked against /v1/fields; on update, null removes a value',
    type: 'object',
    additionalProperties: true,
    example: { travel_budget: 2500, newsletter_since: '2024-05-01' },
  })
  @IsPresentNotNull()
  @IsObject()
  custom?: Record<string, unknown>;
}

export class CreateContactDto extends ContactFieldsDto {
  @ApiPropertyOptional({
    description: 'person (the default) or company',
    enum: CONTACT_KINDS,
    default: 'person',
  })
  @IsPresentNotNull()
  @IsIn(CONTACT_KINDS)
  kind?: ContactKind;

  @ApiPropertyOptional({
    description: 'Email address; required for persons and unique among them, ignoring case',
    format: 'email',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;
}

export class UpdateContactDto extends ContactFieldsDto {
  @ApiPropertyOptional({
    description: 'Email address; unique among persons, ignoring case',
    format: 'email',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;
}

export class UpsertContactDto extends ContactFieldsDto {
  @ApiProperty({
    description: 'Email address that identifies the person, ignoring case',
    format: 'email',
    example: 'anna@example.com',
  })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({
    description:
      'Group paths to add the person to (never removed from others), e.g. "Travel offers/Greece"; write \\/ for a slash inside a name',
    type: [String],
    example: ['Travel offers/Greece'],
  })
  @IsPresentNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  groups?: string[];

  @ApiPropertyOptional({ description: 'Tags to add; unknown tags are created', type: [String] })
  @IsPresentNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, MAX_TAG_NAME_LENGTH, { each: true })
  @Matches(NOT_BLANK, { each: true, message: 'each tag must not be blank' })
  tags?: string[];
}

export class ListContactsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Text searched in first and last name, email and company name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ description: 'Only members of this group', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({
    description: 'With groupId: whether members of its subgroups count (default true)',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeSubgroups?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Only contacts with this tag (ignoring case)' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_TAG_NAME_LENGTH)
  tag?: string;
}

export class ContactResponseDto {
  @ApiProperty({ description: 'Stable id of the contact', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'person or company', enum: CONTACT_KINDS })
  kind!: ContactKind;

  @ApiProperty({ description: 'Email address', nullable: true, type: String })
  email!: string | null;

  @ApiProperty({ description: 'First name', nullable: true, type: String })
  firstName!: string | null;

  @ApiProperty({ description: 'Last name', nullable: true, type: String })
  lastName!: string | null;

  @ApiProperty({ description: 'Company name', nullable: true, type: String })
  companyName!: string | null;

  @ApiProperty({ description: 'Phone number', nullable: true, type: String })
  phone!: string | null;

  @ApiProperty({ description: 'Street and house number', nullable: true, type: String })
  street!: string | null;

  @ApiProperty({ description: 'Postal code', nullable: true, type: String })
  postalCode!: string | null;

  @ApiProperty({ description: 'City', nullable: true, type: String })
  city!: string | null;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2 country code', nullable: true, type: String })
  country!: string | null;

  @ApiProperty({ description: 'BCP 47 language tag', nullable: true, type: String })
  language!: string | null;

  @ApiProperty({ description: 'IANA time zone', nullable: true, type: String })
  timeZone!: string | null;

  @ApiProperty({ description: 'Marketing consent', enum: CONSENT_STATUSES })
  consent!: ConsentStatus;

  @ApiProperty({ description: 'Id of the responsible user', format: 'uuid', nullable: true, type: String })
  responsibleUserId!: string | null;

  @ApiProperty({
    description: 'Id of the company the person belongs to',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  companyId!: string | null;

  @ApiProperty({ description: 'Custom field values by key', type: 'object', additionalProperties: true })
  custom!: Record<string, CustomValue>;

  @ApiProperty({ description: 'When the contact was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'When the contact last changed (ISO 8601, UTC)', format: 'date-time' })
  updatedAt!: string;
}

export class UpsertContactResponseDto {
  @ApiProperty({ description: 'True when the person was created, false when an existing one was updated' })
  created!: boolean;

  @ApiProperty({ description: 'The person after the change', type: ContactResponseDto })
  contact!: ContactResponseDto;
}

export class ContactPageDto {
  @ApiProperty({ description: 'Contacts of this page, newest first', type: [ContactResponseDto] })
  items!: ContactResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export function mapContact(contact: Contact): ContactResponseDto {
  return {
    id: contact.id,
    kind: contact.kind,
    email: contact.email,
    firstName: contact.firstName,
    lastName: contact.lastName,
    companyName: contact.companyName,
    phone: contact.phone,
    street: contact.street,
    postalCode: contact.postalCode,
    city: contact.city,
    country: contact.country,
    language: contact.language,
    timeZone: contact.timeZone,
    consent: contact.consent,
    responsibleUserId: contact.responsibleUserId,
    companyId: contact.companyId,
    custom: contact.custom,
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
  };
}
