import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GroupTreeService } from '../../../../libs/domain/src/index.js';
import {
  CreateGroupDto,
  GroupResponseDto,
  GroupTreeResponseDto,
  mapGroup,
  mapGroupNode,
} from './groups.dto.js';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('v1/groups')
export class GroupsController {
  constructor(private readonly groups: GroupTreeService) {}

  @Post()
  @ApiOperation({ summary: 'Create a group, as a root or under a parent' })
  @ApiCreatedResponse({ type: GroupResponseDto })
  async create(@Body() body: CreateGroupDto): Promise<GroupResponseDto> {
    return mapGroup(await this.groups.create(body));
  }

  @Get('tree')
  @ApiOperation({ summary: 'The whole group tree' })
  @ApiOkResponse({ type: GroupTreeResponseDto })
  async tree(): Promise<GroupTreeResponseDto> {
    return { roots: (await this.groups.tree()).map(mapGroupNode) };
  }
}
