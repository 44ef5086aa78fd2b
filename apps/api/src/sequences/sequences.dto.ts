import { ApiProperty } from '@nestjs/swagger';
import type { SequenceStats } from '../../../../libs/domain/src/index.js';

export class EntryCountsDto {
  @ApiProperty({ description: 'Entries running a step' })
  running!: number;

  @ApiProperty({ description: 'Entries waiting on a timer' })
  waiting!: number;

  @ApiProperty({ description: 'Entries that ran every step' })
  completed!: number;

  @ApiProperty({ description: 'Entries that ended early' })
  stopped!: number;
}

export class StepStatsDto {
  @ApiProperty({ description: 'Step index from 0; the step count for entries that finished' })
  stepIndex!: number;

  @ApiProperty({
    description: 'Step type, e.g. sendEmail or wait; null past the last step',
    nullable: true,
    type: String,
  })
  stepType!: string | null;

  @ApiProperty({ description: 'Entries at this step by status' })
  entries!: EntryCountsDto;
}

export class StopReasonDto {
  @ApiProperty({ description: 'trigger, unsubscribed, deleted, leftStartGroup, stopCondition or manual' })
  reason!: string;

  @ApiProperty({ description: 'Entries stopped for it' })
  count!: number;
}

export class DeliveryCountsDto {
  @ApiProperty({ description: 'Emails accepted by SMTP and letters printed' })
  sent!: number;

  @ApiProperty({ description: 'Permanently refused (5xx) or impossible (missing template)' })
  failed!: number;

  @ApiProperty({ description: 'Not sent: unsubscribed or no email address' })
  skipped!: number;

  @ApiProperty({ description: 'In progress or awaiting a retry' })
  pending!: number;
}

export class SequenceStatsDto {
  @ApiProperty({ description: 'Sequence name' })
  sequence!: string;

  @ApiProperty({ description: 'All entries by status' })
  entries!: EntryCountsDto;

  @ApiProperty({ description: 'Contacts per step', type: [StepStatsDto] })
  steps!: StepStatsDto[];

  @ApiProperty({ description: 'Why stopped entries stopped', type: [StopReasonDto] })
  stopReasons!: StopReasonDto[];

  @ApiProperty({ description: 'Deliveries of this sequence by outcome' })
  deliveries!: DeliveryCountsDto;
}

export function mapSequenceStats(stats: SequenceStats): SequenceStatsDto {
  return stats;
}
