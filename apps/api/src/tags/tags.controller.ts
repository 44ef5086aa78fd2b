import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TagService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { mapTagCount, TagCountPageDto } from './tags.dto.js';

@ApiTags('tags')
@ApiBearerAuth()
@Controller('v1/tags')
export class TagsController {
  constructor(private readonly tags: TagService) {}

  @Get()
  @ApiOperation({ summary: 'Every tag with its number of contacts, for a tag cloud' })
  @ApiOkResponse({ type: TagCountPageDto })
  async list(@Query() query: PageQueryDto): Promise<TagCountPageDto> {
    const page = await this.tags.list(query);
    return { items: page.items.map(mapTagCount), nextCursor: page.nextCursor };
  }
}
