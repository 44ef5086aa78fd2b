import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  TemplateExamplesService,
  TemplatePreviewService,
  TemplateService,
} from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { RequestActor } from '../contacts/request-actor.decorator.js';
import { UuidParam } from '../contacts/uuid-param.js';
import { ApiError } from '../errors/api-error.js';
import {
  CreateTemplateDto,
  ExamplesResponseDto,
  PreviewTemplateDto,
  SavedTemplateResponseDto,
  TemplateListQueryDto,
  TemplatePageDto,
  TemplatePreviewDto,
  TemplateResponseDto,
  TemplateVersionDto,
  TemplateVersionPageDto,
  TestSendResponseDto,
  TestSendTemplateDto,
  UpdateTemplateDto,
  mapExamples,
  mapPreview,
  mapSavedTemplate,
  mapTemplate,
  mapTestSend,
  mapVersion,
  mapVersionSummary,
  previewSource,
} from './templates.dto.js';

const versionParam = new ParseIntPipe({
  exceptionFactory: () =>
    new ApiError('VALIDATION_FAILED', 'invalid path parameter: version', {
      fields: [{ field: 'version', problem: 'version must be a whole number' }],
    }),
});

@ApiTags('templates')
@ApiBearerAuth()
@Controller('v1/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplateService,
    private readonly previews: TemplatePreviewService,
    private readonly examples: TemplateExamplesService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a template; its draft is checked (400 TEMPLATE_INVALID with positioned diagnostics)',
  })
  @ApiCreatedResponse({ type: SavedTemplateResponseDto })
  async create(@Body() body: CreateTemplateDto): Promise<SavedTemplateResponseDto> {
    return mapSavedTemplate(await this.templates.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'Templates by name' })
  @ApiOkResponse({ type: TemplatePageDto })
  async list(@Query() query: TemplateListQueryDto): Promise<TemplatePageDto> {
    const page = await this.templates.list(query);
    return { items: page.items.map(mapTemplate), nextCursor: page.nextCursor };
  }

  @Post('examples')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Install the shipped examples (welcome, follow-up-greece, greece-offer-letter, their parts and custom fields), ' +
      'each published as version 1; names that exist are left alone',
  })
  @ApiOkResponse({ type: ExamplesResponseDto })
  async installExamples(@RequestActor() actor: string): Promise<ExamplesResponseDto> {
    return mapExamples(await this.examples.install(actor));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One template with its draft' })
  @ApiOkResponse({ type: TemplateResponseDto })
  async get(@UuidParam('id') id: string): Promise<TemplateResponseDto> {
    return mapTemplate(await this.templates.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the draft (checked like a create); published versions stay as they are' })
  @ApiOkResponse({ type: SavedTemplateResponseDto })
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateTemplateDto,
  ): Promise<SavedTemplateResponseDto> {
    return mapSavedTemplate(await this.templates.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a template; its published versions are kept for the deliveries that used them',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.templates.delete(id);
  }

  @Post(':id/publish')
  @ApiOperation({ summary: 'Publish the draft as the next immutable version' })
  @ApiCreatedResponse({ type: TemplateVersionDto })
  async publish(@UuidParam('id') id: string, @RequestActor() actor: string): Promise<TemplateVersionDto> {
    return mapVersion(await this.templates.publish(id, actor));
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Published versions, newest first' })
  @ApiOkResponse({ type: TemplateVersionPageDto })
  async versions(@UuidParam('id') id: string, @Query() query: PageQueryDto): Promise<TemplateVersionPageDto> {
    const page = await this.templates.versions(id, query);
    return { items: page.items.map(mapVersionSummary), nextCursor: page.nextCursor };
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One published version with the parts and field schema it was frozen with' })
  @ApiOkResponse({ type: TemplateVersionDto })
  async version(
    @UuidParam('id') id: string,
    @Param('version', versionParam) version: number,
  ): Promise<TemplateVersionDto> {
    return mapVersion(await this.templates.version(id, version));
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render the draft (or a version) for a contact, given data, or a sample contact' })
  @ApiOkResponse({ type: TemplatePreviewDto })
  async preview(@UuidParam('id') id: string, @Body() body: PreviewTemplateDto): Promise<TemplatePreviewDto> {
    return mapPreview(
      await this.previews.preview(id, { source: previewSource(body), version: body.version }),
    );
  }

  @Post(':id/test-send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the draft (or a version) to one address through the configured SMTP server',
  })
  @ApiOkResponse({ type: TestSendResponseDto })
  async testSend(
    @UuidParam('id') id: string,
    @Body() body: TestSendTemplateDto,
  ): Promise<TestSendResponseDto> {
    return mapTestSend(
      await this.previews.testSend(id, { to: body.to, source: previewSource(body), version: body.version }),
    );
  }
}
