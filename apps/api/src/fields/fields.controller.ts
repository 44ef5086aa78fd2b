import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { FieldSchemaService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { RequestActor } from '../contacts/request-actor.decorator.js';
import { CreateFieldDto, FieldPageDto, FieldResponseDto, mapField, UpdateFieldDto } from './fields.dto.js';

@ApiTags('fields')
@ApiBearerAuth()
@Controller('v1/fields')
export class FieldsController {
  constructor(private readonly fields: FieldSchemaService) {}

  @Post()
  @ApiOperation({ summary: 'Define a custom contact field' })
  @ApiCreatedResponse({ type: FieldResponseDto })
  async create(@Body() body: CreateFieldDto): Promise<FieldResponseDto> {
    return mapField(await this.fields.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'The custom field schema, by key' })
  @ApiOkResponse({ type: FieldPageDto })
  async list(@Query() query: PageQueryDto): Promise<FieldPageDto> {
    const page = await this.fields.list(query);
    return { items: page.items.map(mapField), nextCursor: page.nextCursor };
  }

  @Get(':key')
  @ApiOperation({ summary: 'One field definition' })
  @ApiOkResponse({ type: FieldResponseDto })
  async get(@Param('key') key: string): Promise<FieldResponseDto> {
    return mapField(await this.fields.get(key));
  }

  @Patch(':key')
  @ApiOperation({ summary: 'Change the label or the options of a field; the type is fixed' })
  @ApiOkResponse({ type: FieldResponseDto })
  async update(@Param('key') key: string, @Body() body: UpdateFieldDto): Promise<FieldResponseDto> {
    return mapField(await this.fields.update(key, body));
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a field and its values',
    description: 'Every contact that held a value gets a contact.updated event.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param('key') key: string, @RequestActor() actor: string): Promise<void> {
    await this.fields.delete(key, actor);
  }
}
