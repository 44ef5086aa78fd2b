import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import type {
  Automation,
  AutomationValidation,
  AutomationVersion,
  SavedAutomation,
  SequenceEntry,
} from '../../../../libs/domain/src/index.js';
import { DiagnosticDto, mapDiagnostic, MAX_RULE_SOURCE_LENGTH } from '../rules/rules.dto.js';
import type { ScheduledMailingView } from './automation-schedules.service.js';

export class CreateAutomationDto {
  @ApiProperty({ description: 'Unique name, 1–200 characters', example: 'Greece leads' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({
    description: 'Triggers and sequences in the rule language',
    example:
      'when added to Start/Greece start sequence "Greece follow-up"\nsequence "Greece follow-up" {\n  send email "greece-welcome"\n  wait 2 days\n  send email "greece-offers"\n}',
    maxLength: MAX_RULE_SOURCE_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_RULE_SOURCE_LENGTH)
  source!: string;
}

export class UpdateAutomationDto {
  @ApiPropertyOptional({ description: 'New unique name' })
  // Absent leaves the name; null is not a name (IsOptional would let it through).
  @ValidateIf((patch: UpdateAutomationDto) => patch.name !== undefined)
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ description: 'New rule text; takes effect at the next activation' })
  @ValidateIf((patch: UpdateAutomationDto) => patch.source !== undefined)
  @IsString()
  @MaxLength(MAX_RULE_SOURCE_LENGTH)
  source?: string;
}

export class ValidateAutomationDto {
  @ApiProperty({
    description: 'Rule text to check against the live catalog',
    maxLength: MAX_RULE_SOURCE_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_RULE_SOURCE_LENGTH)
  source!: string;
}

export class ActivateAutomationDto {
  @ApiPropertyOptional({
    description: 'End an entry when the contact leaves the group whose trigger started it',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  exitOnLeavingStartGroup?: boolean;
}

export class AutomationValidationDto {
  @ApiProperty({ description: 'True when there are no errors: activation would succeed now' })
  valid!: boolean;

  @ApiProperty({ description: 'Errors and warnings, in text order', type: [DiagnosticDto] })
  diagnostics!: DiagnosticDto[];
}

export class AutomationResponseDto {
  @ApiProperty({ description: 'Automation id', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Unique name' })
  name!: string;

  @ApiProperty({ description: 'Rule text as last saved' })
  source!: string;

  @ApiProperty({ description: 'Whether new events can start its sequences' })
  active!: boolean;

  @ApiProperty({
    description: 'Number of the active version; null when inactive',
    nullable: true,
    type: Number,
  })
  activeVersion!: number | null;

  @ApiProperty({ description: 'When it was created (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'When it was last changed (ISO 8601, UTC)', format: 'date-time' })
  updatedAt!: string;
}

export class SavedAutomationDto extends AutomationResponseDto {
  @ApiProperty({ description: 'Problems of the saved text, as activation would report them' })
  validation!: AutomationValidationDto;
}

export class AutomationListDto {
  @ApiProperty({ description: 'Automations by name', type: [AutomationResponseDto] })
  items!: AutomationResponseDto[];
}

export class AutomationVersionDto {
  @ApiProperty({ description: 'Version id (carried by every entry started from it)', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Version number, from 1' })
  version!: number;

  @ApiProperty({ description: 'The rule text this version was compiled from' })
  source!: string;

  @ApiProperty({
    description: 'Compiled triggers, sequences and schedules (definitionVersion 1)',
    type: 'object',
    additionalProperties: true,
  })
  definitions!: Record<string, unknown>;

  @ApiProperty({ description: 'Entries end when the contact leaves the start group' })
  exitOnLeavingStartGroup!: boolean;

  @ApiProperty({ description: 'API key that activated it' })
  createdBy!: string;

  @ApiProperty({ description: 'When it was activated (ISO 8601, UTC)', format: 'date-time' })
  createdAt!: string;
}

export class AutomationVersionListDto {
  @ApiProperty({ description: 'Versions, newest first', type: [AutomationVersionDto] })
  items!: AutomationVersionDto[];
}

export class ContactAutomationDto {
  @ApiProperty({ description: 'Temporal workflow id of this entry' })
  workflowId!: string;

  @ApiProperty({ description: 'Sequence name' })
  sequence!: string;

  @ApiProperty({ description: 'Automation version the entry runs', format: 'uuid' })
  automationVersionId!: string;

  @ApiProperty({
    description: 'running, waiting, completed or stopped',
    enum: ['running', 'waiting', 'completed', 'stopped'],
  })
  status!: string;

  @ApiProperty({ description: 'Index of the current step (from 0); the step count once ended' })
  currentStep!: number;

  @ApiProperty({ description: 'Type of the current step, when known', nullable: true, type: String })
  stepType!: string | null;

  @ApiProperty({
    description: 'When a wait ends (ISO 8601, UTC)',
    nullable: true,
    type: String,
    format: 'date-time',
  })
  nextWakeUpAt!: string | null;

  @ApiProperty({ description: 'Answered by the running workflow itself (else from the last stored report)' })
  live!: boolean;

  @ApiProperty({ description: 'Why it stopped', nullable: true, type: String })
  stopReason!: string | null;

  @ApiProperty({ description: 'When the contact entered (ISO 8601, UTC)', format: 'date-time' })
  enteredAt!: string;

  @ApiProperty({
    description: 'When it ended (ISO 8601, UTC)',
    nullable: true,
    type: String,
    format: 'date-time',
  })
  endedAt!: string | null;

  @ApiProperty({ description: 'Link to the workflow in the Temporal UI', nullable: true, type: String })
  temporalUiUrl!: string | null;
}

export class ContactAutomationListDto {
  @ApiProperty({ description: 'Open entries first, then the newest', type: [ContactAutomationDto] })
  items!: ContactAutomationDto[];
}

export function mapAutomation(automation: Automation): AutomationResponseDto {
  return {
    id: automation.id,
    name: automation.name,
    source: automation.source,
    active: automation.activeVersionId !== null,
    activeVersion: automation.activeVersion,
    createdAt: automation.createdAt.toISOString(),
    updatedAt: automation.updatedAt.toISOString(),
  };
}

export function mapValidation(validation: AutomationValidation): AutomationValidationDto {
  return { valid: validation.valid, diagnostics: validation.diagnostics.map(mapDiagnostic) };
}

export function mapSavedAutomation(saved: SavedAutomation): SavedAutomationDto {
  return { ...mapAutomation(saved.automation), validation: mapValidation(saved.validation) };
}

export function mapAutomationVersion(version: AutomationVersion): AutomationVersionDto {
  return {
    id: version.id,
    version: version.version,
    source: version.source,
    definitions: version.definitions as unknown as Record<string, unknown>,
    exitOnLeavingStartGroup: version.exitOnLeavingStartGroup,
    createdBy: version.createdBy,
    createdAt: new Date(version.createdAt).toISOString(),
  };
}

export interface LiveEntry {
  entry: SequenceEntry;
  /** From the workflow's status query, when it answered. */
  live?: { stepIndex: number; stepType: string | null; state: string; nextWakeUpAt: string | null };
  temporalUiUrl: string | null;
}

export function mapContactAutomation({ entry, live, temporalUiUrl }: LiveEntry): ContactAutomationDto {
  return {
    workflowId: entry.workflowId,
    sequence: entry.sequence,
    automationVersionId: entry.automationVersionId,
    status: live?.state ?? entry.status,
    currentStep: live?.stepIndex ?? entry.currentStep,
    stepType: live?.stepType ?? null,
    nextWakeUpAt: live ? live.nextWakeUpAt : (entry.nextWakeUpAt?.toISOString() ?? null),
    live: live !== undefined,
    stopReason: entry.stopReason,
    enteredAt: entry.enteredAt.toISOString(),
    endedAt: entry.endedAt?.toISOString() ?? null,
    temporalUiUrl,
  };
}

export class ScheduledMailingFiringDto {
  @ApiProperty({ description: 'Temporal workflow id of this firing' })
  workflowId!: string;

  @ApiProperty({ description: 'When it fired (ISO 8601, UTC)', format: 'date-time' })
  firedAt!: string;

  @ApiProperty({ description: 'Link to the firing in the Temporal UI', nullable: true, type: String })
  temporalUiUrl!: string | null;
}

export class ScheduledMailingDto {
  @ApiProperty({ description: 'Temporal schedule id' })
  scheduleId!: string;

  @ApiProperty({ description: 'Automation version the statement belongs to', format: 'uuid' })
  automationVersionId!: string;

  @ApiProperty({ description: 'Which `every … send …` statement of the version (from 0)' })
  index!: number;

  @ApiProperty({ description: 'Weekday, or null for every day', nullable: true, type: String })
  weekday!: string | null;

  @ApiProperty({ description: 'Local time of day, HH:MM', example: '09:00' })
  time!: string;

  @ApiProperty({
    description: "IANA time zone: the statement's, else the account's",
    example: 'Europe/Berlin',
  })
  timeZone!: string;

  @ApiProperty({ description: 'What each firing sends', enum: ['email', 'letter'] })
  channel!: string;

  @ApiProperty({ description: 'Template name' })
  template!: string;

  @ApiProperty({
    description: 'Saved selection mailed, as read at each firing',
    nullable: true,
    type: String,
  })
  selection!: string | null;

  @ApiProperty({
    description:
      'scheduled: in Temporal; pending: the worker has not created it yet (within seconds); unknown: Temporal did not answer',
    enum: ['scheduled', 'pending', 'unknown'],
  })
  state!: string;

  @ApiProperty({ description: 'Next firings (ISO 8601, UTC)', type: [String], format: 'date-time' })
  nextRunsAt!: string[];

  @ApiProperty({ description: 'Recent firings, newest first', type: [ScheduledMailingFiringDto] })
  recentFirings!: ScheduledMailingFiringDto[];

  @ApiProperty({ description: 'Link to the schedule in the Temporal UI', nullable: true, type: String })
  temporalUiUrl!: string | null;
}

export class ScheduledMailingListDto {
  @ApiProperty({ description: "The active version's scheduled mailings", type: [ScheduledMailingDto] })
  items!: ScheduledMailingDto[];
}

export function mapScheduledMailing(view: ScheduledMailingView): ScheduledMailingDto {
  const { plan } = view;
  return {
    scheduleId: plan.scheduleId,
    automationVersionId: plan.input.automationVersionId,
    index: plan.input.scheduleIndex,
    weekday: plan.weekday,
    time: `${String(plan.hour).padStart(2, '0')}:${String(plan.minute).padStart(2, '0')}`,
    timeZone: plan.timeZone,
    channel: plan.input.channel,
    template: plan.input.template,
    selection: plan.input.audience.selection ?? null,
    state: view.state,
    nextRunsAt: view.nextRunsAt.map((at) => at.toISOString()),
    recentFirings: view.recentFirings.map((firing) => ({
      workflowId: firing.workflowId,
      firedAt: firing.firedAt.toISOString(),
      temporalUiUrl: firing.temporalUiUrl,
    })),
    temporalUiUrl: view.temporalUiUrl,
  };
}
