import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { TemplatePartService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { UuidParam } from '../contacts/uuid-param.js';
import {
  CreateTemplatePartDto,
  TemplatePartPageDto,
  TemplatePartResponseDto,
  UpdateTemplatePartDto,
  mapTemplatePart,
} from './template-parts.dto.js';

@ApiTags('templates')
@ApiBearerAuth()
@Controller('v1/template-parts')
export class TemplatePartsController {
  constructor(private readonly parts: TemplatePartService) {}

  @Post()
  @ApiOperation({ summary: 'Create a shared partial (header, footer) or layout' })
  @ApiCreatedResponse({ type: TemplatePartResponseDto })
  async create(@Body() body: CreateTemplatePartDto): Promise<TemplatePartResponseDto> {
    return mapTemplatePart(await this.parts.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'Parts by name' })
  @ApiOkResponse({ type: TemplatePartPageDto })
  async list(@Query() query: PageQueryDto): Promise<TemplatePartPageDto> {
    const page = await this.parts.list(query);
    return { items: page.items.map(mapTemplatePart), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One part' })
  @ApiOkResponse({ type: TemplatePartResponseDto })
  async get(@UuidParam('id') id: string): Promise<TemplatePartResponseDto> {
    return mapTemplatePart(await this.parts.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Change a part; checked with every draft that uses it (400 TEMPLATE_INVALID names the template). ' +
      'Published versions keep their own copy',
  })
  @ApiOkResponse({ type: TemplatePartResponseDto })
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateTemplatePartDto,
  ): Promise<TemplatePartResponseDto> {
    return mapTemplatePart(await this.parts.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a part no draft uses (409 TEMPLATE_PART_IN_USE otherwise)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.parts.delete(id);
  }
}
