import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GroupTreeService } from '../../../../libs/domain/src/index.js';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import {
  CreateGroupDto,
  DeleteGroupQuery,
  GroupByPathQuery,
  GroupCountsResponseDto,
  GroupDeletionResponseDto,
  GroupDetailsResponseDto,
  GroupIdParams,
  GroupResponseDto,
  GroupTreeResponseDto,
  mapGroup,
  mapGroupCounts,
  mapGroupDeletion,
  mapGroupDetails,
  mapGroupNode,
  UpdateGroupDto,
} from './groups.dto.js';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('v1/groups')
export class GroupsController {
  constructor(private readonly groups: GroupTreeService) {}

  @Post()
  @ApiOperation({ summary: 'Create a group, as a root or under a parent given by id or path' })
  @ApiCreatedResponse({ type: GroupResponseDto })
  async create(@Body() body: CreateGroupDto): Promise<GroupResponseDto> {
    return mapGroup(await this.groups.create(body));
  }

  @Get('tree')
  @ApiOperation({ summary: 'The whole group tree, with direct and subtree member counts per node' })
  @ApiOkResponse({ type: GroupTreeResponseDto })
  async tree(): Promise<GroupTreeResponseDto> {
    return { roots: (await this.groups.tree()).map(mapGroupNode) };
  }

  @Get('by-path')
  @ApiOperation({ summary: 'A group by its path, with member counts' })
  @ApiOkResponse({ type: GroupDetailsResponseDto })
  async byPath(@Query() query: GroupByPathQuery): Promise<GroupDetailsResponseDto> {
    return mapGroupDetails(await this.groups.getByPath(query.path));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A group with its path and member counts' })
  @ApiOkResponse({ type: GroupDetailsResponseDto })
  async get(@Param() params: GroupIdParams): Promise<GroupDetailsResponseDto> {
    return mapGroupDetails(await this.groups.get(params.id));
  }

  @Get(':id/counts')
  @ApiOperation({ summary: 'Direct members and distinct members of the group or any subgroup' })
  @ApiOkResponse({ type: GroupCountsResponseDto })
  async counts(@Param() params: GroupIdParams): Promise<GroupCountsResponseDto> {
    return mapGroupCounts(await this.groups.counts(params.id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename a group and/or move it with its subtree (parentId null makes it a root)',
    description:
      'Moves and renames write no membership events: reorganising the tree triggers no automation.',
  })
  @ApiOkResponse({ type: GroupResponseDto })
  async update(@Param() params: GroupIdParams, @Body() body: UpdateGroupDto): Promise<GroupResponseDto> {
    return mapGroup(await this.groups.update(params.id, body));
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a group: refuse when not empty, move contents to the parent, or recursively',
  })
  @ApiOkResponse({ type: GroupDeletionResponseDto })
  async remove(
    @Param() params: GroupIdParams,
    @Query() query: DeleteGroupQuery,
    @Req() request: AuthenticatedRequest,
  ): Promise<GroupDeletionResponseDto> {
    const actor = request.apiKey?.name ?? 'api';
    return mapGroupDeletion(await this.groups.remove(params.id, query.strategy ?? 'refuse', actor));
  }
}
