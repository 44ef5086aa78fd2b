import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { GroupEntity, GroupNode } from '../../../../libs/domain/src/index.js';

export class CreateGroupDto {
  @ApiProperty({
    description: 'Name of the group, unique among its siblings; any Unicode text',
    example: 'Greece',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({ description: 'Id of the parent group; omit to create a root group', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class GroupResponseDto {
  @ApiProperty({ description: 'Stable id of the group', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Name of the group' })
  name!: string;

  @ApiProperty({
    description: 'Id of the parent group, null for a root',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  parentId!: string | null;

  @ApiProperty({ description: 'When the group was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;
}

export class GroupTreeNodeDto extends GroupResponseDto {
  @ApiProperty({ description: 'Subgroups, ordered by name', type: () => [GroupTreeNodeDto] })
  children!: GroupTreeNodeDto[];
}

export class GroupTreeResponseDto {
  @ApiProperty({ description: 'Root groups with their subgroups nested', type: [GroupTreeNodeDto] })
  roots!: GroupTreeNodeDto[];
}

export function mapGroup(group: GroupEntity): GroupResponseDto {
  return {
    id: group.id,
    name: group.name,
    parentId: group.parentId,
    createdAt: group.createdAt.toISOString(),
  };
}

export function mapGroupNode(node: GroupNode): GroupTreeNodeDto {
  return { ...mapGroup(node), children: node.children.map(mapGroupNode) };
}
