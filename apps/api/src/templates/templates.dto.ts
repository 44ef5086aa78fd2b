import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  PAPER_FORMATS,
  TEMPLATE_KINDS,
  type SavedTemplate,
  type Template,
  type TemplateKind,
  type TemplatePreview,
  type TemplateVersion,
  type TemplateVersionSummary,
  type TestSendResult,
  type ExampleOutcome,
  type PreviewSource,
} from '../../../../libs/domain/src/index.js';
import type { Diagnostic, PaperFormat } from '../../../../libs/templates/src/index.js';
import { IsPresentNotNull } from '../contacts/contacts.dto.js';
import { MAX_VERSION_NUMBER } from '../errors/validation.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { ApiError } from '../errors/api-error.js';

/** Generous: libs/templates reports a source over its own limit as a positioned TEMPLATE_TOO_LARGE. */
const MAX_SOURCE = 1_000_000;

export class TemplateListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only templates of this kind', enum: TEMPLATE_KINDS })
  @IsOptional()
  @IsIn(TEMPLATE_KINDS)
  kind?: TemplateKind;
}

export class CreateTemplateDto {
  @ApiProperty({
    description: 'Unique name (ignoring case); automations send by this name',
    example: 'welcome',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({
    description: 'email (MJML + Handlebars) or letter (HTML + Handlebars, printed to PDF)',
    enum: TEMPLATE_KINDS,
  })
  @IsIn(TEMPLATE_KINDS)
  kind!: TemplateKind;

  @ApiPropertyOptional({ description: 'What the template is for', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ description: 'Subject line (letters: the bold line above the body); may use expressions' })
  @IsString()
  @MaxLength(10_000)
  subject!: string;

  @ApiPropertyOptional({ description: 'Email only: the preview text inboxes show after the subject' })
  @IsPresentNotNull()
  @IsString()
  @MaxLength(10_000)
  preheader?: string;

  @ApiProperty({
    description: 'Email: MJML; letter: HTML. Handlebars expressions, partials and layouts by name',
  })
  @IsString()
  @MaxLength(MAX_SOURCE)
  body!: string;

  @ApiPropertyOptional({
    description: 'Letter only: paper format (A4 uses DIN 5008 form B)',
    enum: PAPER_FORMATS,
    default: 'A4',
  })
  @IsPresentNotNull()
  @IsIn(PAPER_FORMATS)
  format?: PaperFormat;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({ description: 'New unique name' })
  @IsPresentNotNull()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ description: 'New description; null clears it', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'New draft subject' })
  @IsPresentNotNull()
  @IsString()
  @MaxLength(10_000)
  subject?: string;

  @ApiPropertyOptional({ description: 'Email only: new draft preheader' })
  @IsPresentNotNull()
  @IsString()
  @MaxLength(10_000)
  preheader?: string;

  @ApiPropertyOptional({ description: 'New draft body' })
  @IsPresentNotNull()
  @IsString()
  @MaxLength(MAX_SOURCE)
  body?: string;

  @ApiPropertyOptional({ description: 'Letter only: new paper format', enum: PAPER_FORMATS })
  @IsPresentNotNull()
  @IsIn(PAPER_FORMATS)
  format?: PaperFormat;
}

export class DiagnosticDto {
  @ApiProperty({ description: 'Stable code, e.g. UNKNOWN_VARIABLE, INVALID_MJML, RAW_OUTPUT' })
  code!: string;

  @ApiProperty({ description: 'error stops a save; warning does not', enum: ['error', 'warning'] })
  severity!: string;

  @ApiProperty({ description: 'What is wrong, for the person editing the template' })
  message!: string;

  @ApiProperty({ description: 'Which text: body, subject, preheader or partial:<name>' })
  source!: string;

  @ApiProperty({ description: '1-based line in that text' })
  line!: number;

  @ApiProperty({ description: '1-based column in that text' })
  column!: number;

  @ApiProperty({ description: '0-based offset in that text (UTF-16 code units)' })
  offset!: number;

  @ApiProperty({ description: 'Length of the offending span' })
  length!: number;

  @ApiPropertyOptional({ description: 'How to fix it, when there is a likely fix' })
  suggestion?: string;
}

export class TemplateResponseDto {
  @ApiProperty({ description: 'Stable id of the template', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Unique name' })
  name!: string;

  @ApiProperty({ description: 'email or letter', enum: TEMPLATE_KINDS })
  kind!: TemplateKind;

  @ApiProperty({ description: 'What the template is for', nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ description: 'Draft subject' })
  subject!: string;

  @ApiProperty({ description: 'Draft preheader; empty for letters' })
  preheader!: string;

  @ApiProperty({ description: 'Draft body (MJML or HTML)' })
  body!: string;

  @ApiProperty({
    description: 'Letters: paper format; null for email',
    enum: PAPER_FORMATS,
    nullable: true,
    type: String,
  })
  format!: PaperFormat | null;

  @ApiProperty({
    description: 'Newest published version; null before the first publish',
    nullable: true,
    type: Number,
  })
  latestVersion!: number | null;

  @ApiProperty({ description: 'When the template was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'When the draft last changed (ISO 8601, UTC)', format: 'date-time' })
  updatedAt!: string;
}

export class SavedTemplateResponseDto extends TemplateResponseDto {
  @ApiProperty({
    description: 'Warnings of the save-time check (errors would have stopped the save)',
    type: [DiagnosticDto],
  })
  warnings!: DiagnosticDto[];
}

export class TemplatePageDto {
  @ApiProperty({ description: 'Templates by name', type: [TemplateResponseDto] })
  items!: TemplateResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export class TemplateVersionSummaryDto {
  @ApiProperty({ description: 'Stable id of the version; deliveries record it', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The template', format: 'uuid' })
  templateId!: string;

  @ApiProperty({ description: 'Version number, 1 for the first publish' })
  version!: number;

  @ApiProperty({ description: 'Subject as published' })
  subject!: string;

  @ApiProperty({ description: 'Preheader as published' })
  preheader!: string;

  @ApiProperty({ description: 'Body as published' })
  body!: string;

  @ApiProperty({
    description: 'Letters: paper format; null for email',
    enum: PAPER_FORMATS,
    nullable: true,
    type: String,
  })
  format!: PaperFormat | null;

  @ApiProperty({ description: 'When it was published (ISO 8601, UTC)', format: 'date-time' })
  publishedAt!: string;

  @ApiProperty({ description: 'Name of the API key that published it' })
  publishedBy!: string;
}

export class TemplateVersionDto extends TemplateVersionSummaryDto {
  @ApiProperty({
    description: 'The parts (partials, layouts) as they were at publish time, by name',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  parts!: Record<string, string>;

  @ApiProperty({
    description: 'The custom field schema the version was checked against',
    type: 'array',
    items: { type: 'object' },
  })
  customFields!: unknown[];
}

export class TemplateVersionPageDto {
  @ApiProperty({ description: 'Versions, newest first', type: [TemplateVersionSummaryDto] })
  items!: TemplateVersionSummaryDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export class PreviewTemplateDto {
  @ApiPropertyOptional({ description: 'Render for this stored contact', format: 'uuid' })
  @IsPresentNotNull()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({
    description:
      'Render for this data instead: { contact: {...}, responsibleUser: {...} }; unknown keys are dropped. ' +
      'Without contactId and data, a sample contact is used',
    type: 'object',
    additionalProperties: true,
  })
  @IsPresentNotNull()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'A published version number; the draft when absent', minimum: 1 })
  @IsPresentNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION_NUMBER)
  version?: number;
}

export class TestSendTemplateDto extends PreviewTemplateDto {
  @ApiProperty({ description: 'Address that receives the test mail', example: 'editor@example.com' })
  @IsEmail()
  @MaxLength(320)
  to!: string;
}

export class TemplatePreviewDto {
  @ApiProperty({ description: 'Rendered subject' })
  subject!: string;

  @ApiProperty({ description: 'Rendered preheader; empty for letters' })
  preheader!: string;

  @ApiProperty({ description: 'Rendered HTML: the email, or the letter as a print document' })
  html!: string;

  @ApiProperty({ description: 'Plain-text part' })
  text!: string;

  @ApiProperty({ description: 'Version rendered; null for the draft', nullable: true, type: Number })
  version!: number | null;
}

export class TestSendResponseDto {
  @ApiProperty({ description: 'Message-ID of the sent mail' })
  messageId!: string;

  @ApiProperty({ description: 'Rendered subject' })
  subject!: string;

  @ApiProperty({ description: 'Version sent; null for the draft', nullable: true, type: Number })
  version!: number | null;
}

export class ExampleOutcomeDto {
  @ApiProperty({ description: 'What was installed', enum: ['field', 'part', 'template'] })
  type!: string;

  @ApiProperty({ description: 'Its name or key' })
  name!: string;

  @ApiProperty({
    description: 'created, existing (left as it was) or failed',
    enum: ['created', 'existing', 'failed'],
  })
  outcome!: string;

  @ApiPropertyOptional({ description: 'Why it failed, or the version a new template was published as' })
  message?: string;
}

export class ExamplesResponseDto {
  @ApiProperty({ description: 'One entry per example field, part and template', type: [ExampleOutcomeDto] })
  items!: ExampleOutcomeDto[];
}

export function mapTemplate(template: Template): TemplateResponseDto {
  return {
    id: template.id,
    name: template.name,
    kind: template.kind,
    description: template.description,
    subject: template.subject,
    preheader: template.preheader,
    body: template.body,
    format: template.format,
    latestVersion: template.latestVersion,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}

export function mapDiagnostic(diagnostic: Diagnostic): DiagnosticDto {
  return { ...diagnostic };
}

export function mapSavedTemplate(saved: SavedTemplate): SavedTemplateResponseDto {
  return { ...mapTemplate(saved.template), warnings: saved.warnings.map(mapDiagnostic) };
}

export function mapVersionSummary(version: TemplateVersionSummary): TemplateVersionSummaryDto {
  return {
    id: version.id,
    templateId: version.templateId,
    version: version.version,
    subject: version.subject,
    preheader: version.preheader,
    body: version.body,
    format: version.format,
    publishedAt: version.publishedAt.toISOString(),
    publishedBy: version.publishedBy,
  };
}

export function mapVersion(version: TemplateVersion): TemplateVersionDto {
  return { ...mapVersionSummary(version), parts: version.parts, customFields: version.customFields };
}

export function mapPreview(preview: TemplatePreview): TemplatePreviewDto {
  return { ...preview };
}

export function mapTestSend(result: TestSendResult): TestSendResponseDto {
  return { ...result };
}

export function mapExamples(outcomes: ExampleOutcome[]): ExamplesResponseDto {
  return { items: outcomes.map((outcome) => ({ ...outcome })) };
}

/** Where a preview's data comes from; contactId and data together are refused. */
export function previewSource(body: PreviewTemplateDto): PreviewSource {
  if (body.contactId !== undefined && body.data !== undefined) {
    throw new ApiError('VALIDATION_FAILED', 'give contactId or data, not both', {
      fields: [{ field: 'data', problem: 'give contactId or data, not both' }],
    });
  }
  if (body.contactId !== undefined) return { contactId: body.contactId };
  if (body.data !== undefined) return { data: body.data };
  return {};
}
