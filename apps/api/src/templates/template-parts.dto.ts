import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  TEMPLATE_PART_KINDS,
  type TemplatePart,
  type TemplatePartKind,
} from '../../../../libs/domain/src/index.js';
import { IsPresentNotNull } from '../contacts/contacts.dto.js';

const MAX_SOURCE = 1_000_000;

export class CreateTemplatePartDto {
  @ApiProperty({
    description: 'Unique name templates use: {{> name}} for a partial, {{#> name}}…{{/name}} for a layout',
    example: 'footer',
  })
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, {
    message: 'name must start with a letter and have up to 64 letters, digits, _ and -',
  })
  name!: string;

  @ApiProperty({
    description: 'partial (included) or layout (wraps a template at {{> @partial-block}})',
    enum: TEMPLATE_PART_KINDS,
  })
  @IsIn(TEMPLATE_PART_KINDS)
  kind!: TemplatePartKind;

  @ApiPropertyOptional({ description: 'What the part is for', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ description: 'MJML (for email) or HTML (for letters) with Handlebars expressions' })
  @IsString()
  @MaxLength(MAX_SOURCE)
  content!: string;
}

export class UpdateTemplatePartDto {
  @ApiPropertyOptional({ description: 'New description; null clears it', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'New content; refused when a draft using the part would no longer pass its check',
  })
  @IsPresentNotNull()
  @IsString()
  @MaxLength(MAX_SOURCE)
  content?: string;
}

export class TemplatePartResponseDto {
  @ApiProperty({ description: 'Stable id of the part', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Unique name templates refer to' })
  name!: string;

  @ApiProperty({ description: 'partial or layout', enum: TEMPLATE_PART_KINDS })
  kind!: TemplatePartKind;

  @ApiProperty({ description: 'What the part is for', nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ description: 'Source text' })
  content!: string;

  @ApiProperty({ description: 'When the part was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'When the part last changed (ISO 8601, UTC)', format: 'date-time' })
  updatedAt!: string;
}

export class TemplatePartPageDto {
  @ApiProperty({ description: 'Parts by name', type: [TemplatePartResponseDto] })
  items!: TemplatePartResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export function mapTemplatePart(part: TemplatePart): TemplatePartResponseDto {
  return {
    id: part.id,
    name: part.name,
    kind: part.kind,
    description: part.description,
    content: part.content,
    createdAt: part.createdAt.toISOString(),
    updatedAt: part.updatedAt.toISOString(),
  };
}
