import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsUUID, Max, Min } from 'class-validator';
import type { TemplateRevision } from '../../../../libs/domain/src/index.js';
import { IsPresentNotNull } from '../contacts/contacts.dto.js';
import { MAX_VERSION_NUMBER } from '../errors/validation.js';
import { ApiError } from '../errors/api-error.js';

export const MAX_LETTERS_PER_CALL = 500;

export class RenderLettersDto {
  @ApiProperty({ description: 'A letter template', format: 'uuid' })
  @IsUUID()
  templateId!: string;

  @ApiProperty({
    description: `Contacts, 1 to ${MAX_LETTERS_PER_CALL}: one letter each, in this order, each starting on a new page`,
    type: [String],
    format: 'uuid',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LETTERS_PER_CALL)
  @IsUUID('all', { each: true })
  contactIds!: string[];

  @ApiPropertyOptional({ description: 'A published version; the newest when absent', minimum: 1 })
  @IsPresentNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION_NUMBER)
  version?: number;

  @ApiPropertyOptional({ description: 'Print the draft instead, as a proof' })
  @IsPresentNotNull()
  @IsBoolean()
  draft?: boolean;
}

export function revisionOf(body: RenderLettersDto): TemplateRevision {
  if (body.draft && body.version !== undefined) {
    throw new ApiError('VALIDATION_FAILED', 'give version or draft, not both', {
      fields: [{ field: 'draft', problem: 'give version or draft, not both' }],
    });
  }
  return body.draft ? 'draft' : (body.version ?? 'latest');
}
