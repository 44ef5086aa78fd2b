import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import {
  formatGroupPath,
  GROUP_DELETE_STRATEGIES,
  type GroupCounts,
  type GroupDeleteStrategy,
  type GroupDeletion,
  type GroupDetails,
  type GroupNode,
  type GroupView,
} from '../../../../libs/domain/src/index.js';

const NAME_DESCRIPTION = 'Name of the group, unique among its siblings; any Unicode text, stored trimmed';
const PATH_DESCRIPTION =
  'Group path: names from the root down joined by "/", with "\\/" for a slash and "\\\\" for a backslash inside a name';

export class CreateGroupDto {
  @ApiProperty({ description: NAME_DESCRIPTION, example: 'Greece' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({
    description: 'Id of the parent group; omit (with parentPath) to create a root group',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({
    description: `Path of the parent group, instead of parentId. ${PATH_DESCRIPTION}`,
    example: 'Travel offers',
  })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  parentPath?: string;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ description: `New name. ${NAME_DESCRIPTION}`, example: 'Greece' })
  // Absent keeps the name; null is not a name (IsOptional would let it through).
  @ValidateIf((body: UpdateGroupDto) => body.name !== undefined)
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({
    description: 'New parent group id, moving the group with its subtree; null makes it a root',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @ValidateIf((body: UpdateGroupDto) => body.parentId !== undefined && body.parentId !== null)
  @IsUUID()
  parentId?: string | null;
}

export class GroupIdParams {
  @ApiProperty({ description: 'Id of the group', format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class GroupByPathQuery {
  @ApiProperty({ description: PATH_DESCRIPTION, example: 'Travel offers/Greece' })
  @IsString()
  @Length(1, 10_000)
  path!: string;
}

export class DeleteGroupQuery {
  @ApiPropertyOptional({
    description:
      'refuse (default): only an empty group is deleted; moveMembersToParent: members and subgroups move to ' +
      'the parent; deleteRecursive: the group, all subgroups and their memberships are deleted',
    enum: GROUP_DELETE_STRATEGIES,
    default: 'refuse',
  })
  @IsOptional()
  @IsIn(GROUP_DELETE_STRATEGIES)
  strategy?: GroupDeleteStrategy;
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

export class GroupCountsResponseDto {
  @ApiProperty({ description: 'Contacts that are members of the group itself' })
  directMembers!: number;

  @ApiProperty({ description: 'Distinct contacts that are members of the group or of any of its subgroups' })
  subtreeMembers!: number;

  @ApiProperty({ description: 'Number of subgroups at any depth below the group' })
  subgroups!: number;
}

export class GroupDetailsResponseDto extends GroupResponseDto {
  @ApiProperty({ description: `Path of the group. ${PATH_DESCRIPTION}`, example: 'Travel offers/Greece' })
  path!: string;

  @ApiProperty({ description: 'Names from the root down to the group itself', type: [String] })
  pathSegments!: string[];

  @ApiProperty({ description: 'Member counts of the group and its subtree', type: GroupCountsResponseDto })
  counts!: GroupCountsResponseDto;
}

export class GroupTreeNodeDto extends GroupResponseDto {
  @ApiProperty({ description: 'Contacts that are members of the group itself' })
  directMembers!: number;

  @ApiProperty({ description: 'Distinct contacts that are members of the group or of any of its subgroups' })
  subtreeMembers!: number;

  @ApiProperty({ description: 'Subgroups, ordered by name', type: () => [GroupTreeNodeDto] })
  children!: GroupTreeNodeDto[];
}

export class GroupTreeResponseDto {
  @ApiProperty({ description: 'Root groups with their subgroups nested', type: [GroupTreeNodeDto] })
  roots!: GroupTreeNodeDto[];
}

export class GroupDeletionResponseDto {
  @ApiProperty({ description: 'Ids of the deleted groups', type: [String], format: 'uuid' })
  deletedGroupIds!: string[];

  @ApiProperty({ description: 'Memberships that ended, each with a contact.removed_from_group event' })
  removedMemberships!: number;

  @ApiProperty({ description: 'Memberships created in the parent, each with a contact.added_to_group event' })
  addedToParent!: number;

  @ApiProperty({ description: 'Direct subgroups that moved up to the parent' })
  movedSubgroups!: number;
}

export function mapGroup(group: GroupView): GroupResponseDto {
  return {
    id: group.id,
    name: group.name,
    parentId: group.parentId,
    createdAt: group.createdAt.toISOString(),
  };
}

export function mapGroupCounts(counts: GroupCounts): GroupCountsResponseDto {
  return {
    directMembers: counts.directMembers,
    subtreeMembers: counts.subtreeMembers,
    subgroups: counts.subgroups,
  };
}

export function mapGroupDetails(group: GroupDetails): GroupDetailsResponseDto {
  return {
    ...mapGroup(group),
    path: formatGroupPath(group.path),
    pathSegments: group.path,
    counts: mapGroupCounts(group.counts),
  };
}

export function mapGroupNode(node: GroupNode): GroupTreeNodeDto {
  return {
    ...mapGroup(node),
    directMembers: node.directMembers,
    subtreeMembers: node.subtreeMembers,
    children: node.children.map(mapGroupNode),
  };
}

export function mapGroupDeletion(deletion: GroupDeletion): GroupDeletionResponseDto {
  return { ...deletion };
}
