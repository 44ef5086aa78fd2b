import { ApiProperty } from '@nestjs/swagger';
import {
  DOMAIN_EVENT_TYPES,
  type DomainEvent,
  type DomainEventType,
} from '../../../../libs/domain/src/index.js';

export class TimelineEventDto {
  @ApiProperty({ description: 'Position in the event log; higher is later' })
  seq!: string;

  @ApiProperty({ description: 'What happened', enum: DOMAIN_EVENT_TYPES })
  type!: DomainEventType;

  @ApiProperty({ description: 'When it happened (ISO 8601, UTC)', format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ description: 'Who did it: an API key name, import, form:<id> or automation:<id>' })
  actor!: string;

  @ApiProperty({
    description: 'Details by type, e.g. changes {field: {from, to}} or groupId, groupPath, subtreesChanged',
    type: 'object',
    additionalProperties: true,
  })
  payload!: Record<string, unknown>;
}

export class TimelinePageDto {
  @ApiProperty({ description: 'Events, newest first', type: [TimelineEventDto] })
  items!: TimelineEventDto[];

  @ApiProperty({
    description: 'Cursor of the next (older) page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export function mapTimelineEvent(event: DomainEvent): TimelineEventDto {
  return {
    seq: event.seq,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    actor: event.actor,
    payload: event.payload,
  };
}
