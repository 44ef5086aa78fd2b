// The names and payloads shared by whoever starts a workflow (the API) and the
// worker that runs it. Pure: workflow bundles may import this file.

import type { CheckedCondition, StepDefinition } from '../../../rules/src/index.js';

export const AUTOMATION_TASK_QUEUE = 'trellis-automation';

export const WORKFLOW_TYPES = {
  testMail: 'testMailWorkflow',
  followUpSequence: 'followUpSequenceWorkflow',
  scheduledMailing: 'scheduledMailingWorkflow',
} as const;

export interface TestMailWorkflowInput {
  to: string;
  requestedBy: string;
}

export interface TestMailWorkflowResult {
  messageId: string;
  acceptedAt: string;
}

export interface SendMailRequest {
  /** Generated in the workflow, so a retried activity can be recognised. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

// ---- Follow-up sequences -------------------------------------------------------

export const FOLLOW_UP_SIGNALS = {
  /** Ends the sequence before its next step; payload FollowUpStopRequest. */
  stop: 'followUpStop',
} as const;

export const FOLLOW_UP_QUERIES = {
  /** Current step and next wake-up; answers FollowUpStatus. */
  status: 'followUpStatus',
} as const;

/** The workflow input's shape version; a new shape gets a new number and a patched() branch. */
export const FOLLOW_UP_INPUT_VERSION = 1;

export interface FollowUpSequenceDefinition {
  name: string;
  steps: StepDefinition[];
}

export interface FollowUpSequenceInput {
  definitionVersion: typeof FOLLOW_UP_INPUT_VERSION;
  /** The automation version the definition came from: a running entry stays on it. */
  automationVersionId: string;
  sequence: FollowUpSequenceDefinition;
  contactId: string;
  /** Identifies this entry of the contact into the sequence (deterministic; see followUpWorkflowId). */
  entryId: string;
  /** The group whose trigger started the sequence. */
  startGroupId?: string;
  /** Stop when the contact leaves the start group's subtree. */
  exitOnLeavingStartGroup?: boolean;
  /** Demo and test installations divide every `wait` by this (TRELLIS_SEQUENCE_WAIT_SCALE); absent means 1. */
  waitScale?: number;
  /** Set by continue-as-new: the step to resume at and how many runs came before. */
  resume?: { stepIndex: number; run: number };
}

export type FollowUpStopReason = 'trigger' | 'unsubscribed' | 'deleted' | 'leftStartGroup' | 'manual';

export interface FollowUpStopRequest {
  reason: FollowUpStopReason;
  /** For leftStartGroup: the groups whose subtree the contact left. */
  groupIds?: string[];
}

export type FollowUpState = 'running' | 'waiting' | 'completed' | 'stopped';

export interface FollowUpStatus {
  sequence: string;
  automationVersionId: string;
  state: FollowUpState;
  /** Index of the step running or waited on; steps.length once finished. */
  stepIndex: number;
  stepType: StepDefinition['type'] | null;
  /** ISO 8601 UTC; set while a wait runs. */
  nextWakeUpAt: string | null;
  stopReason: FollowUpStopReason | 'stopCondition' | null;
}

export interface FollowUpResult {
  state: 'completed' | 'stopped';
  stopReason: FollowUpStopReason | 'stopCondition' | null;
  /** Steps that ran across all runs of this entry. */
  lastStepIndex: number;
}

/**
 * One workflow per (sequence, contact, entry): a redelivered trigger event derives
 * the same id, and Temporal refuses to start it twice.
 */
export function followUpWorkflowId(sequence: string, contactId: string, entryId: string): string {
  return `follow-up/${encodeURIComponent(sequence)}/${contactId}/${entryId}`;
}

/** Actor of changes a follow-up makes: the relay reads the entry back from it (loop guard). */
export function followUpActor(workflowId: string): string {
  return `automation:${workflowId}`;
}

// ---- Scheduled mailings --------------------------------------------------------

/** The scheduled mailing input's shape version; a new shape gets a new number and a patched() branch. */
export const SCHEDULED_MAILING_INPUT_VERSION = 1;

export const SCHEDULED_MAILING_QUERIES = {
  /** Contacts done so far; answers ScheduledMailingProgress. */
  progress: 'scheduledMailingProgress',
} as const;

/** Who gets a scheduled mailing: a saved selection by name (read when it fires), else the condition. */
export interface ScheduledMailingAudience {
  selection?: string;
  condition: CheckedCondition;
}

export interface ScheduledMailingInput {
  definitionVersion: typeof SCHEDULED_MAILING_INPUT_VERSION;
  /** The automation version whose `every … send …` statement this is. */
  automationVersionId: string;
  automationName: string;
  scheduleIndex: number;
  channel: 'email' | 'letter';
  template: string;
  audience: ScheduledMailingAudience;
  /** Set by continue-as-new: where the previous run stopped, its totals, and the audience as the first page read it. */
  resume?: {
    asOf: string;
    after: string;
    progress: ScheduledMailingProgress;
    run: number;
    audience: ScheduledMailingAudience;
  };
}

export interface ScheduledMailingProgress {
  sent: number;
  skipped: number;
  failed: number;
}

/** One page of a mailing: the audience's next contacts after `after`, in id order, as of `asOf`. */
export interface ScheduledMailingPageRequest extends Omit<
  ScheduledMailingInput,
  'definitionVersion' | 'resume'
> {
  /** The mailing's workflow id (one per firing): with the contact id, each delivery's idempotency key. */
  workflowId: string;
  /** ISO 8601: "now" for relative dates, fixed for the whole mailing. */
  asOf: string;
  after: string | null;
  limit: number;
}

export interface ScheduledMailingPage extends ScheduledMailingProgress {
  /** The last contact id of this page; null when the audience is done. */
  next: string | null;
  /**
   * The audience this page used, a saved selection resolved to its condition: the
   * later pages get it back, so an edit of the selection mid-mailing changes nothing.
   */
  audience: ScheduledMailingAudience;
}

/**
 * The Temporal schedule of one `every … send …` statement of an automation version.
 * The zone is part of the id, so a changed account zone makes a new schedule.
 */
export function scheduledMailingScheduleId(
  automationVersionId: string,
  index: number,
  timeZone: string,
): string {
  return `${SCHEDULED_MAILING_PREFIX}${automationVersionId}/${index}/${timeZone}`;
}

export const SCHEDULED_MAILING_PREFIX = 'scheduled-mailing/';

/** Idempotency key of one contact's delivery in one firing of a mailing. */
export function scheduledMailingDeliveryKey(workflowId: string, contactId: string): string {
  return `${workflowId}/${contactId}`;
}
