import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import type { TestMailRun } from './system-check.service.js';

export class SendTestMailDto {
  @ApiProperty({ description: 'Address that receives the test mail', example: 'ops@example.com' })
  @IsEmail()
  @MaxLength(320)
  to!: string;
}

export class TestMailResultDto {
  @ApiProperty({ description: 'Message id the SMTP server accepted' })
  messageId!: string;

  @ApiProperty({ description: 'When the SMTP server accepted the mail (ISO 8601, UTC)', format: 'date-time' })
  acceptedAt!: string;
}

export class TestMailRunDto {
  @ApiProperty({ description: 'Temporal workflow id of this test mail run' })
  workflowId!: string;

  @ApiProperty({ description: 'Temporal workflow status: RUNNING, COMPLETED, FAILED, ...' })
  status!: string;

  @ApiPropertyOptional({
    description: 'Delivery result, once the run has completed',
    type: TestMailResultDto,
  })
  result?: TestMailResultDto;

  @ApiPropertyOptional({ description: 'Link to this run in the Temporal UI, when the UI address is known' })
  temporalUiUrl?: string;
}

export function mapTestMailRun(run: TestMailRun): TestMailRunDto {
  return {
    workflowId: run.workflowId,
    status: run.status,
    result: run.result,
    temporalUiUrl: run.temporalUiUrl,
  };
}
