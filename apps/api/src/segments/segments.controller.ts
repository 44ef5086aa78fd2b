import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SegmentService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { RequestActor } from '../contacts/request-actor.decorator.js';
import { UuidParam } from '../contacts/uuid-param.js';
import {
  CreateSegmentDto,
  mapSegment,
  mapSegmentMember,
  mapSegmentMembersResult,
  SegmentMemberPageDto,
  SegmentMembersDto,
  SegmentMembersResultDto,
  SegmentPageDto,
  SegmentResponseDto,
  UpdateSegmentDto,
} from './segments.dto.js';

@ApiTags('segments')
@ApiBearerAuth()
@Controller('v1/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentService) {}

  @Post()
  @ApiOperation({ summary: 'Create a named static list' })
  @ApiCreatedResponse({ type: SegmentResponseDto })
  async create(@Body() body: CreateSegmentDto): Promise<SegmentResponseDto> {
    return mapSegment(await this.segments.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'Segments by name' })
  @ApiOkResponse({ type: SegmentPageDto })
  async list(@Query() query: PageQueryDto): Promise<SegmentPageDto> {
    const page = await this.segments.list(query);
    return { items: page.items.map(mapSegment), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One segment with its member count' })
  @ApiOkResponse({ type: SegmentResponseDto })
  async get(@UuidParam('id') id: string): Promise<SegmentResponseDto> {
    return mapSegment(await this.segments.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename or describe a segment' })
  @ApiOkResponse({ type: SegmentResponseDto })
  async update(@UuidParam('id') id: string, @Body() body: UpdateSegmentDto): Promise<SegmentResponseDto> {
    return mapSegment(await this.segments.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a segment; each member gets a removed_from_segment event' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@UuidParam('id') id: string, @RequestActor() actor: string): Promise<void> {
    await this.segments.delete(id, actor);
  }

  @Get(':id/members')
  @ApiOperation({ summary: 'Members of a segment, paged' })
  @ApiOkResponse({ type: SegmentMemberPageDto })
  async members(@UuidParam('id') id: string, @Query() query: PageQueryDto): Promise<SegmentMemberPageDto> {
    const page = await this.segments.members(id, query);
    return { items: page.items.map(mapSegmentMember), nextCursor: page.nextCursor };
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add contacts to a segment; members already in it are unchanged' })
  @ApiOkResponse({ type: SegmentMembersResultDto })
  async addMembers(
    @UuidParam('id') segmentId: string,
    @Body() body: SegmentMembersDto,
    @RequestActor() actor: string,
  ): Promise<SegmentMembersResultDto> {
    return mapSegmentMembersResult(
      await this.segments.addMembers({ segmentId, contactIds: body.contactIds, actor }),
    );
  }

  @Delete(':id/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove contacts (ids in the body) from a segment' })
  @ApiOkResponse({ type: SegmentMembersResultDto })
  async removeMembers(
    @UuidParam('id') segmentId: string,
    @Body() body: SegmentMembersDto,
    @RequestActor() actor: string,
  ): Promise<SegmentMembersResultDto> {
    return mapSegmentMembersResult(
      await this.segments.removeMembers({ segmentId, contactIds: body.contactIds, actor }),
    );
  }
}
