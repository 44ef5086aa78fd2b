import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import type { RuleValidation } from '../../../../libs/domain/src/index.js';
import type { CompletionItem, Diagnostic } from '../../../../libs/rules/src/index.js';

/** Longest rule text accepted, in UTF-16 code units. */
export const MAX_RULE_SOURCE_LENGTH = 100_000;

export class RuleSourceDto {
  @ApiProperty({
    description: 'Rule text, e.g. selection "Greece leads" = in Travel/Greece and subscribed',
    maxLength: MAX_RULE_SOURCE_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_RULE_SOURCE_LENGTH)
  source!: string;
}

export class CompleteRuleDto extends RuleSourceDto {
  @ApiProperty({
    description: 'Cursor position in the text, in UTF-16 code units from the start',
    minimum: 0,
  })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_RULE_SOURCE_LENGTH)
  offset!: number;
}

export class DiagnosticDto {
  @ApiProperty({ description: 'Start of the problem in the text, in UTF-16 code units' })
  offset!: number;

  @ApiProperty({ description: 'Length of the problem in the text, in UTF-16 code units' })
  length!: number;

  @ApiProperty({ description: 'Line of the start, from 1' })
  line!: number;

  @ApiProperty({ description: 'Column of the start, from 1, in UTF-16 code units' })
  column!: number;

  @ApiProperty({ description: 'error (the rule cannot be used) or warning', enum: ['error', 'warning'] })
  severity!: 'error' | 'warning';

  @ApiProperty({ description: 'What is wrong, for the person writing the rule' })
  message!: string;

  @ApiPropertyOptional({ description: 'Stable code of the problem, e.g. unknown-group' })
  code?: string;

  @ApiPropertyOptional({
    description: 'Text to put at offset/length instead, e.g. the group path probably meant',
  })
  suggestion?: string;
}

export class RuleValidationDto {
  @ApiProperty({ description: 'True when the text has no errors (warnings allowed)' })
  valid!: boolean;

  @ApiProperty({ description: 'Errors and warnings, in text order', type: [DiagnosticDto] })
  diagnostics!: DiagnosticDto[];
}

export class FormattedRuleDto {
  @ApiProperty({ description: 'The text in canonical layout, comments kept' })
  source!: string;
}

export class TextRangeDto {
  @ApiProperty({ description: 'Start, in UTF-16 code units' })
  offset!: number;

  @ApiProperty({ description: 'Length, in UTF-16 code units' })
  length!: number;
}

export class CompletionItemDto {
  @ApiProperty({ description: 'What to show in the list' })
  label!: string;

  @ApiProperty({
    description: 'What the candidate is',
    enum: ['keyword', 'group', 'field', 'tag', 'segment', 'template', 'sequence', 'selection'],
  })
  kind!: CompletionItem['kind'];

  @ApiProperty({ description: 'Text to put in place of range' })
  insertText!: string;

  @ApiPropertyOptional({ description: 'More about the candidate, e.g. a field type' })
  detail?: string;

  @ApiProperty({ description: 'The partly typed word the candidate replaces', type: TextRangeDto })
  range!: TextRangeDto;
}

export class CompletionListDto {
  @ApiProperty({ description: 'Candidates at the offset', type: [CompletionItemDto] })
  items!: CompletionItemDto[];
}

export function mapDiagnostic(diagnostic: Diagnostic): DiagnosticDto {
  return {
    offset: diagnostic.offset,
    length: diagnostic.length,
    line: diagnostic.line,
    column: diagnostic.column,
    severity: diagnostic.severity,
    message: diagnostic.message,
    ...(diagnostic.code === undefined ? {} : { code: diagnostic.code }),
    ...(diagnostic.suggestion === undefined ? {} : { suggestion: diagnostic.suggestion }),
  };
}

export function mapRuleValidation(validation: RuleValidation): RuleValidationDto {
  return { valid: validation.valid, diagnostics: validation.diagnostics.map(mapDiagnostic) };
}

export function mapCompletionItem(item: CompletionItem): CompletionItemDto {
  return {
    label: item.label,
    kind: item.kind,
    insertText: item.insertText ?? item.label,
    ...(item.detail === undefined ? {} : { detail: item.detail }),
    range: { offset: item.range.offset, length: item.range.length },
  };
}
