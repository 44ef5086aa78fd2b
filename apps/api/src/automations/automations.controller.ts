import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AutomationService } from '../../../../libs/domain/src/index.js';
import { RequestActor } from '../contacts/request-actor.decorator.js';
import { UuidParam } from '../contacts/uuid-param.js';
import { AutomationSchedulesService } from './automation-schedules.service.js';
import {
  ActivateAutomationDto,
  AutomationListDto,
  AutomationResponseDto,
  AutomationValidationDto,
  AutomationVersionDto,
  AutomationVersionListDto,
  CreateAutomationDto,
  mapAutomation,
  mapAutomationVersion,
  mapSavedAutomation,
  mapScheduledMailing,
  mapValidation,
  SavedAutomationDto,
  ScheduledMailingListDto,
  UpdateAutomationDto,
  ValidateAutomationDto,
} from './automations.dto.js';

@ApiTags('automations')
@ApiBearerAuth()
@Controller('v1/automations')
export class AutomationsController {
  constructor(
    private readonly automations: AutomationService,
    private readonly schedules: AutomationSchedulesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Save an automation (rule text); its problems come back, nothing is activated' })
  @ApiCreatedResponse({ type: SavedAutomationDto })
  async create(@Body() body: CreateAutomationDto): Promise<SavedAutomationDto> {
    return mapSavedAutomation(await this.automations.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'All automations by name' })
  @ApiOkResponse({ type: AutomationListDto })
  async list(): Promise<AutomationListDto> {
    return { items: (await this.automations.list()).map(mapAutomation) };
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check rule text against the live catalog as activation would, without saving' })
  @ApiOkResponse({ type: AutomationValidationDto })
  async validate(@Body() body: ValidateAutomationDto): Promise<AutomationValidationDto> {
    return mapValidation(await this.automations.validate(body.source));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One automation' })
  @ApiOkResponse({ type: AutomationResponseDto })
  async get(@UuidParam('id') id: string): Promise<AutomationResponseDto> {
    return mapAutomation(await this.automations.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the name or text; a new text takes effect at the next activation' })
  @ApiOkResponse({ type: SavedAutomationDto })
  async update(@UuidParam('id') id: string, @Body() body: UpdateAutomationDto): Promise<SavedAutomationDto> {
    return mapSavedAutomation(await this.automations.update(id, body));
  }

  @Post(':id/activate')
  @ApiOperation({
    summary:
      'Compile the saved text into a new active version (422 AUTOMATION_INVALID with diagnostics when a template, sequence, group or selection is missing)',
  })
  @ApiCreatedResponse({ type: AutomationVersionDto })
  async activate(
    @UuidParam('id') id: string,
    @Body() body: ActivateAutomationDto,
    @RequestActor() actor: string,
  ): Promise<AutomationVersionDto> {
    return mapAutomationVersion(await this.automations.activate(id, body, actor));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop starting new entries; running entries finish on their version' })
  @ApiOkResponse({ type: AutomationResponseDto })
  async deactivate(@UuidParam('id') id: string): Promise<AutomationResponseDto> {
    return mapAutomation(await this.automations.deactivate(id));
  }

  @Get(':id/schedules')
  @ApiOperation({
    summary:
      "The active version's scheduled mailings (`every … send …`): next and recent firings from Temporal, Temporal UI links",
  })
  @ApiOkResponse({ type: ScheduledMailingListDto })
  async scheduledMailings(@UuidParam('id') id: string): Promise<ScheduledMailingListDto> {
    return { items: (await this.schedules.forAutomation(id)).map(mapScheduledMailing) };
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every activated version, newest first' })
  @ApiOkResponse({ type: AutomationVersionListDto })
  async versions(@UuidParam('id') id: string): Promise<AutomationVersionListDto> {
    return { items: (await this.automations.versions(id)).map(mapAutomationVersion) };
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One version with its compiled definitions' })
  @ApiOkResponse({ type: AutomationVersionDto })
  async version(
    @UuidParam('id') id: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<AutomationVersionDto> {
    return mapAutomationVersion(await this.automations.version(id, version));
  }
}
