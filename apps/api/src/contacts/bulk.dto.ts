import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsUUID,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  BULK_ACTIONS,
  type BulkAction,
  type BulkResult,
  type BulkTarget,
  MAX_TAG_NAME_LENGTH,
} from '../../../../libs/domain/src/index.js';
import { SelectionTargetDto, targetOf } from '../selections/selections.dto.js';

export const MAX_BULK_IDS = 10_000;

/** The parameter each action needs; every other parameter must be absent. */
const PARAMETER_OF: Record<BulkAction, 'groupId' | 'tag' | 'userId' | 'segmentId' | undefined> = {
  addToGroup: 'groupId',
  removeFromGroup: 'groupId',
  tag: 'tag',
  untag: 'tag',
  setResponsibleUser: 'userId',
  addToSegment: 'segmentId',
  delete: undefined,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Present exactly when the action uses this parameter, and then of the right shape.
 * (One validator, because @ValidateIf would switch off the presence check too.)
 */
function BulkParameter(
  parameter: 'groupId' | 'tag' | 'userId' | 'segmentId',
  fits: (value: unknown) => boolean,
  expected: string,
) {
  const problem = (object: object, value: unknown): string | undefined => {
    const action = (object as { action?: BulkAction }).action;
    if (action === undefined || !BULK_ACTIONS.includes(action)) return undefined;
    const needed = PARAMETER_OF[action] === parameter;
    if (!needed) return value === undefined ? undefined : `${parameter} is not used by ${action}`;
    if (value === undefined) return `${parameter} is required for ${action}`;
    return fits(value) ? undefined : `${parameter} must be ${expected}`;
  };
  return ValidateBy({
    name: 'bulkParameter',
    validator: {
      validate: (value: unknown, args) => problem(args!.object, value) === undefined,
      defaultMessage: (args) => problem(args!.object, args!.value) ?? `${parameter} is invalid`,
    },
  });
}

const isUuid = (value: unknown) => typeof value === 'string' && UUID.test(value);

/** Exactly one of ids and selection (checked on ids, so reported under its name). */
function OneTarget() {
  return ValidateBy({
    name: 'oneBulkTarget',
    validator: {
      validate: (_value, args) => {
        const target = args!.object as { ids?: unknown; selection?: unknown };
        return (target.ids === undefined) !== (target.selection === undefined);
      },
      defaultMessage: () => 'give exactly one of ids and selection',
    },
  });
}

/**
 * Which contacts to act on: `{ ids }`, or `{ selection }` with the body of
 * POST /v1/selections/evaluate (`{ source }` or `{ selectionId }`).
 */
export class BulkTargetDto {
  @ApiPropertyOptional({
    description: `Contact ids, 1 to ${MAX_BULK_IDS}, duplicates count once; or give selection`,
    type: [String],
    format: 'uuid',
  })
  @ValidateIf((target: BulkTargetDto) => target.ids !== undefined || target.selection === undefined)
  @OneTarget()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_IDS)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({
    description:
      'Every contact a selection matches when the action runs, as rule text ({source}) or a saved selection ({selectionId}); no upper limit; or give ids',
    type: SelectionTargetDto,
  })
  @ValidateIf((target: BulkTargetDto) => target.selection !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => SelectionTargetDto)
  selection?: SelectionTargetDto;
}

export class BulkActionDto {
  @ApiProperty({ description: 'What to do with every target contact', enum: BULK_ACTIONS })
  @IsIn(BULK_ACTIONS)
  action!: BulkAction;

  @ApiProperty({ description: 'The contacts to act on', type: BulkTargetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => BulkTargetDto)
  target!: BulkTargetDto;

  @ApiPropertyOptional({ description: 'For addToGroup and removeFromGroup: the group', format: 'uuid' })
  @BulkParameter('groupId', isUuid, 'a UUID')
  groupId?: string;

  @ApiPropertyOptional({ description: 'For tag and untag: the tag name' })
  @BulkParameter(
    'tag',
    (value) => typeof value === 'string' && /\S/.test(value) && value.length <= MAX_TAG_NAME_LENGTH,
    `a tag name of 1 to ${MAX_TAG_NAME_LENGTH} characters`,
  )
  tag?: string;

  @ApiPropertyOptional({
    description: 'For setResponsibleUser: the user, or null to clear it',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @BulkParameter('userId', (value) => value === null || isUuid(value), 'a UUID or null')
  userId?: string | null;

  @ApiPropertyOptional({ description: 'For addToSegment: the segment', format: 'uuid' })
  @BulkParameter('segmentId', isUuid, 'a UUID')
  segmentId?: string;
}

export class BulkFailureDto {
  @ApiProperty({ description: 'The contact id that failed', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Why, as an error code, e.g. CONTACT_NOT_FOUND' })
  code!: string;
}

export class BulkResultDto {
  @ApiProperty({ description: 'Contacts the action changed' })
  processed!: number;

  @ApiProperty({ description: 'Contacts that already were as asked' })
  unchanged!: number;

  @ApiProperty({ description: 'Contacts the action could not be applied to', type: [BulkFailureDto] })
  failed!: BulkFailureDto[];
}

export function targetOfBulk(dto: BulkTargetDto): BulkTarget {
  return dto.selection !== undefined ? { selection: targetOf(dto.selection) } : { ids: dto.ids! };
}

export function mapBulkResult(result: BulkResult): BulkResultDto {
  return { processed: result.processed, unchanged: result.unchanged, failed: result.failed };
}
