import { ApiProperty } from '@nestjs/swagger';
import type { Membership, MembershipSource } from '../../../../libs/domain/src/index.js';

const SOURCES: MembershipSource[] = ['api', 'import', 'form', 'automation'];

export class MembershipResponseDto {
  @ApiProperty({ description: 'Id of the group', format: 'uuid' })
  groupId!: string;

  @ApiProperty({ description: 'Names from the root group down to this one', type: [String] })
  groupPath!: string[];

  @ApiProperty({ description: 'When the contact was added (ISO 8601, UTC)', format: 'date-time' })
  addedAt!: string;

  @ApiProperty({ description: 'Who added it: an API key name, import, form:<id> or automation:<id>' })
  addedBy!: string;

  @ApiProperty({ description: 'How the membership came about', enum: SOURCES })
  source!: MembershipSource;
}

export class MembershipListDto {
  @ApiProperty({ description: 'Direct memberships, oldest first', type: [MembershipResponseDto] })
  items!: MembershipResponseDto[];
}

export function mapMembership(membership: Membership): MembershipResponseDto {
  return { ...membership, addedAt: membership.addedAt.toISOString() };
}
