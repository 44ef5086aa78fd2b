import { ApiProperty } from '@nestjs/swagger';
import type { UnsubscribeStatus } from '../../../../libs/domain/src/index.js';

export class UnsubscribeStatusDto {
  @ApiProperty({
    description: 'True once the contact behind the link is unsubscribed: sequences end and send no more mail',
  })
  unsubscribed!: boolean;
}

export function mapUnsubscribeStatus(status: UnsubscribeStatus): UnsubscribeStatusDto {
  return { unsubscribed: status.unsubscribed };
}
