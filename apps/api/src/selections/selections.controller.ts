import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SelectionQueryService, SelectionService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { UuidParam } from '../contacts/uuid-param.js';
import {
  EvaluateSelectionDto,
  ExplainSelectionDto,
  mapSavedSelection,
  mapSelection,
  mapSelectionEvaluation,
  mapSelectionExplanation,
  SavedSelectionResponseDto,
  SelectionContactPageDto,
  SelectionEvaluationDto,
  SelectionExplanationDto,
  SelectionPageDto,
  SelectionResponseDto,
  SelectionSourceDto,
  targetOf,
} from './selections.dto.js';
import { mapContact } from '../contacts/contacts.dto.js';

// No access scoping exists yet: every call below passes no scope to the query service.
@ApiTags('selections')
@ApiBearerAuth()
@Controller('v1/selections')
export class SelectionsController {
  constructor(
    private readonly selections: SelectionService,
    private readonly queries: SelectionQueryService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Save a selection',
    description: 'Rule text with errors is refused with 400 RULE_INVALID and details.diagnostics.',
  })
  @ApiCreatedResponse({ type: SavedSelectionResponseDto })
  async create(@Body() body: SelectionSourceDto): Promise<SavedSelectionResponseDto> {
    return mapSavedSelection(await this.selections.create(body.source));
  }

  @Get()
  @ApiOperation({ summary: 'Saved selections by name' })
  @ApiOkResponse({ type: SelectionPageDto })
  async list(@Query() query: PageQueryDto): Promise<SelectionPageDto> {
    const page = await this.selections.list(query);
    return { items: page.items.map(mapSelection), nextCursor: page.nextCursor };
  }

  @Post('evaluate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Count the contacts of rule text or a saved selection, with the first page of them',
  })
  @ApiOkResponse({ type: SelectionEvaluationDto })
  async evaluate(@Body() body: EvaluateSelectionDto): Promise<SelectionEvaluationDto> {
    const page = { ...(body.cursor === undefined ? {} : { cursor: body.cursor }), limit: body.limit };
    return mapSelectionEvaluation(await this.queries.evaluate(targetOf(body), page));
  }

  @Post('explain')
  @HttpCode(200)
  @ApiOperation({ summary: 'Why a selection does or does not match one contact, clause by clause' })
  @ApiOkResponse({ type: SelectionExplanationDto })
  async explain(@Body() body: ExplainSelectionDto): Promise<SelectionExplanationDto> {
    return mapSelectionExplanation(await this.queries.explain(targetOf(body), body.contactId));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One saved selection' })
  @ApiOkResponse({ type: SelectionResponseDto })
  async get(@UuidParam('id') id: string): Promise<SelectionResponseDto> {
    return mapSelection(await this.selections.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Replace the text of a selection (and so maybe its name)',
    description: 'A selection other selections use cannot be renamed: 409 SELECTION_IN_USE.',
  })
  @ApiOkResponse({ type: SavedSelectionResponseDto })
  async update(
    @UuidParam('id') id: string,
    @Body() body: SelectionSourceDto,
  ): Promise<SavedSelectionResponseDto> {
    return mapSavedSelection(await this.selections.update(id, body.source));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a selection',
    description: 'A selection other selections use is kept: 409 SELECTION_IN_USE.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.selections.delete(id);
  }

  @Get(':id/contacts')
  @ApiOperation({ summary: 'The contacts a saved selection matches now, by id, paged' })
  @ApiOkResponse({ type: SelectionContactPageDto })
  async contacts(
    @UuidParam('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<SelectionContactPageDto> {
    const page = await this.queries.contacts(id, query);
    return { items: page.items.map(mapContact), nextCursor: page.nextCursor };
  }
}
