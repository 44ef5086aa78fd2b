import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import type { Segment, SegmentMember } from '../../../../libs/domain/src/index.js';
import { ContactResponseDto, mapContact } from '../contacts/contacts.dto.js';

export const MAX_SEGMENT_MEMBERS_PER_CALL = 10_000;

export class CreateSegmentDto {
  @ApiProperty({ description: 'Unique name of the segment', example: 'Trade fair 2025 leads' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({ description: 'What the list is for', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ description: 'New unique name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ description: 'New description; null clears it', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class SegmentMembersDto {
  @ApiProperty({
    description: `Contact ids, 1 to ${MAX_SEGMENT_MEMBERS_PER_CALL}`,
    type: [String],
    format: 'uuid',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEGMENT_MEMBERS_PER_CALL)
  @IsUUID('all', { each: true })
  contactIds!: string[];
}

export class SegmentResponseDto {
  @ApiProperty({ description: 'Stable id of the segment', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Unique name' })
  name!: string;

  @ApiProperty({ description: 'What the list is for', nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ description: 'Number of contacts in the segment' })
  memberCount!: number;

  @ApiProperty({ description: 'When the segment was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;
}

export class SegmentPageDto {
  @ApiProperty({ description: 'Segments by name', type: [SegmentResponseDto] })
  items!: SegmentResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export class SegmentMemberDto {
  @ApiProperty({ description: 'The member', type: ContactResponseDto })
  contact!: ContactResponseDto;

  @ApiProperty({ description: 'When it was added (ISO 8601, UTC)', format: 'date-time' })
  addedAt!: string;
}

export class SegmentMemberPageDto {
  @ApiProperty({ description: 'Members by contact id', type: [SegmentMemberDto] })
  items!: SegmentMemberDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export class SegmentMembersResultDto {
  @ApiProperty({ description: 'Contacts added (or removed)' })
  processed!: number;

  @ApiProperty({ description: 'Contacts that already were (or were not) members' })
  unchanged!: number;

  @ApiProperty({ description: 'Ids of contacts that do not exist', type: [String], format: 'uuid' })
  notFound!: string[];
}

export function mapSegment(segment: Segment): SegmentResponseDto {
  return {
    id: segment.id,
    name: segment.name,
    description: segment.description,
    memberCount: segment.memberCount,
    createdAt: segment.createdAt.toISOString(),
  };
}

export function mapSegmentMember(member: SegmentMember): SegmentMemberDto {
  return { contact: mapContact(member.contact), addedAt: member.addedAt.toISOString() };
}

export function mapSegmentMembersResult(result: {
  changedIds: string[];
  unchangedIds: string[];
  missingIds: string[];
}): SegmentMembersResultDto {
  return {
    processed: result.changedIds.length,
    unchanged: result.unchangedIds.length,
    notFound: result.missingIds,
  };
}
