import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TimelineService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from './page.dto.js';
import { mapTimelineEvent, TimelinePageDto } from './timeline.dto.js';
import { UuidParam } from './uuid-param.js';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts/:id/timeline')
export class ContactTimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  @ApiOperation({
    summary: "The contact's history, newest first",
    description: 'Still answers for an erased contact: only its anonymous contact.deleted event remains.',
  })
  @ApiOkResponse({ type: TimelinePageDto })
  async list(@UuidParam('id') id: string, @Query() query: PageQueryDto): Promise<TimelinePageDto> {
    const page = await this.timeline.forContact(id, query);
    return { items: page.items.map(mapTimelineEvent), nextCursor: page.nextCursor };
  }
}
