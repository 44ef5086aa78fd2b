import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import {
  MAX_PAGE_SIZE,
  type SavedSelection,
  type Selection,
  type SelectionEvaluation,
  type SelectionExplanation,
  type SelectionTarget,
} from '../../../../libs/domain/src/index.js';
import type { Explanation } from '../../../../libs/rules/src/index.js';
import { ContactResponseDto, mapContact } from '../contacts/contacts.dto.js';
import { DiagnosticDto, mapDiagnostic, MAX_RULE_SOURCE_LENGTH } from '../rules/rules.dto.js';

const SOURCE_EXAMPLE = 'selection "Greece leads" = in Travel/Greece and subscribed';

export class SelectionSourceDto {
  @ApiProperty({
    description: 'One selection statement; its name is the name of the selection',
    example: SOURCE_EXAMPLE,
    maxLength: MAX_RULE_SOURCE_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_RULE_SOURCE_LENGTH)
  source!: string;
}

/** Exactly one of source and selectionId (checked on source, so reported under its name). */
function OneTarget() {
  return ValidateBy({
    name: 'oneTarget',
    validator: {
      validate: (_value, args) => {
        const target = args!.object as { source?: unknown; selectionId?: unknown };
        return (target.source === undefined) !== (target.selectionId === undefined);
      },
      defaultMessage: () => 'give exactly one of source and selectionId',
    },
  });
}

export class SelectionTargetDto {
  @ApiPropertyOptional({
    description: 'Rule text holding one selection statement; or give selectionId',
    example: SOURCE_EXAMPLE,
    maxLength: MAX_RULE_SOURCE_LENGTH,
  })
  @ValidateIf((target: SelectionTargetDto) => target.source !== undefined || target.selectionId === undefined)
  @OneTarget()
  @IsString()
  @MaxLength(MAX_RULE_SOURCE_LENGTH)
  source?: string;

  @ApiPropertyOptional({ description: 'A saved selection; or give source', format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  selectionId?: string;
}

export class EvaluateSelectionDto extends SelectionTargetDto {
  @ApiPropertyOptional({ description: `Contacts on the page, 1 to ${MAX_PAGE_SIZE}`, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of a previous answer for the same selection' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}

export class ExplainSelectionDto extends SelectionTargetDto {
  @ApiProperty({ description: 'The contact to explain the selection for', format: 'uuid' })
  @IsUUID('all')
  contactId!: string;
}

export class SelectionResponseDto {
  @ApiProperty({ description: 'Stable id of the selection', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Unique name, from the selection statement' })
  name!: string;

  @ApiProperty({
    description: 'The rule text; rewritten with current paths when a group it uses was renamed or moved',
  })
  source!: string;

  @ApiProperty({ description: 'When it was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'When its text last changed (ISO 8601, UTC)', format: 'date-time' })
  updatedAt!: string;
}

export class SavedSelectionResponseDto extends SelectionResponseDto {
  @ApiProperty({
    description: 'Warnings about the text, e.g. a tag no contact has yet',
    type: [DiagnosticDto],
  })
  diagnostics!: DiagnosticDto[];
}

export class SelectionPageDto {
  @ApiProperty({ description: 'Selections by name', type: [SelectionResponseDto] })
  items!: SelectionResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export class SelectionContactPageDto {
  @ApiProperty({ description: 'Matching contacts, by id', type: [ContactResponseDto] })
  items!: ContactResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export class SelectionEvaluationDto {
  @ApiProperty({ description: 'How many contacts match' })
  count!: number;

  @ApiProperty({ description: 'The first page of matching contacts, by id', type: [ContactResponseDto] })
  contacts!: ContactResponseDto[];

  @ApiProperty({
    description: 'Cursor of the next page (pass it back here, or to GET /v1/selections/{id}/contacts)',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;

  @ApiProperty({ description: 'Time taken to check, compile and run the selection, in milliseconds' })
  tookMs!: number;
}

export class ExplanationDto {
  @ApiProperty({ description: 'The clause as rule text, with current group paths' })
  clause!: string;

  @ApiProperty({ description: 'Whether the clause holds for the contact' })
  result!: boolean;

  @ApiProperty({ description: 'Why, e.g. "via Travel/Greece/Crete since 2026-11-02"' })
  reason!: string;

  @ApiPropertyOptional({ description: 'The clauses it is made of', type: () => [ExplanationDto] })
  children?: ExplanationDto[];
}

export class SelectionExplanationDto {
  @ApiProperty({ description: 'Whether the selection matches the contact' })
  matches!: boolean;

  @ApiProperty({ description: 'The explanation, clause by clause', type: ExplanationDto })
  explanation!: ExplanationDto;

  @ApiProperty({ description: 'The explanation as indented lines of text', type: [String] })
  lines!: string[];
}

export function targetOf(dto: SelectionTargetDto): SelectionTarget {
  return dto.selectionId !== undefined ? { selectionId: dto.selectionId } : { source: dto.source! };
}

export function mapSelection(selection: Selection): SelectionResponseDto {
  return {
    id: selection.id,
    name: selection.name,
    source: selection.source,
    createdAt: selection.createdAt.toISOString(),
    updatedAt: selection.updatedAt.toISOString(),
  };
}

export function mapSavedSelection(selection: SavedSelection): SavedSelectionResponseDto {
  return { ...mapSelection(selection), diagnostics: selection.diagnostics.map(mapDiagnostic) };
}

export function mapSelectionEvaluation(evaluation: SelectionEvaluation): SelectionEvaluationDto {
  return {
    count: evaluation.count,
    contacts: evaluation.contacts.map(mapContact),
    nextCursor: evaluation.nextCursor,
    tookMs: evaluation.tookMs,
  };
}

function mapExplanation(explanation: Explanation): ExplanationDto {
  return {
    clause: explanation.clause,
    result: explanation.result,
    reason: explanation.reason,
    ...(explanation.children ? { children: explanation.children.map(mapExplanation) } : {}),
  };
}

export function mapSelectionExplanation(result: SelectionExplanation): SelectionExplanationDto {
  return { matches: result.matches, explanation: mapExplanation(result.explanation), lines: result.lines };
}
