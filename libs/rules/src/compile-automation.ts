import type { WeekdayName } from './ast.js';
import type { CheckedCondition, CheckedProgram, CheckedStep, CheckedTrigger } from './checked.js';
import { printTime } from './format.js';

/** Bumped whenever the JSON shape below changes incompatibly; stored with every definition. */
export const AUTOMATION_DEFINITION_VERSION = 1;

export type ReentryPolicy =
  { policy: 'once' } | { policy: 'everyTime' } | { policy: 'oncePerDays'; days: number };

export type SequenceAction =
  { type: 'startSequence'; sequence: string } | { type: 'stopSequence'; sequence: string };

interface TriggerCommon {
  /** Checked condition with group ids, evaluated on fresh data when the event happens. */
  condition?: CheckedCondition;
  action: SequenceAction;
  /** How often one contact may start the sequence again; only for startSequence. */
  reentry?: ReentryPolicy;
}

/**
 * groupEntered: the contact is now in the group or a group below it and was in none of
 * them before. Moving between two groups below it is neither entering nor leaving.
 */
export type TriggerDefinition =
  | (TriggerCommon & { kind: 'groupEntered'; groupId: string; groupPath: string[] })
  | (TriggerCommon & { kind: 'groupLeft'; groupId: string; groupPath: string[] })
  | (TriggerCommon & { kind: 'tagAdded'; tag: string });

export type StepDefinition =
  | { type: 'sendEmail'; template: string }
  | { type: 'sendLetter'; template: string }
  | { type: 'wait'; seconds: number }
  /** Next such moment in the contact's time zone, else the account's; no weekday means the next day that has the time ahead. */
  | {
      type: 'waitUntil';
      weekday?: WeekdayName;
      time: string;
      hour: number;
      minute: number;
      timeZone: 'contact';
    }
  | { type: 'stopIf'; condition: CheckedCondition }
  | { type: 'addToGroup'; groupId: string; groupPath: string[] }
  | { type: 'removeFromGroup'; groupId: string; groupPath: string[] }
  | { type: 'addTag'; tag: string }
  | { type: 'removeTag'; tag: string };

export interface SequenceDefinition {
  name: string;
  steps: StepDefinition[];
}

export interface ScheduleDefinition {
  /** null: every day. */
  weekday: WeekdayName | null;
  time: string;
  hour: number;
  minute: number;
  /** Five-field cron expression for the same moments, e.g. "0 9 * * 1". */
  cron: string;
  /** IANA zone; null means the account's zone. */
  timeZone: string | null;
  action: {
    type: 'sendEmail' | 'sendLetter';
    template: string;
    audience: { selection?: string; condition: CheckedCondition };
  };
}

export interface AutomationDefinitions {
  definitionVersion: typeof AUTOMATION_DEFINITION_VERSION;
  triggers: TriggerDefinition[];
  sequences: SequenceDefinition[];
  schedules: ScheduleDefinition[];
}

const CRON_WEEKDAY: Record<WeekdayName, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};

function trigger(checked: CheckedTrigger): TriggerDefinition {
  const action: SequenceAction =
    checked.action.kind === 'startSequence'
      ? { type: 'startSequence', sequence: checked.action.sequence }
      : { type: 'stopSequence', sequence: checked.action.sequence };
  const common: TriggerCommon = {
    ...(checked.condition ? { condition: checked.condition } : {}),
    action,
    ...(action.type === 'startSequence' ? { reentry: checked.reentry } : {}),
  };
  switch (checked.event.kind) {
    case 'addedTo':
      return {
        kind: 'groupEntered',
        groupId: checked.event.group.groupId,
        groupPath: checked.event.group.path,
        ...common,
      };
    case 'removedFrom':
      return {
        kind: 'groupLeft',
        groupId: checked.event.group.groupId,
        groupPath: checked.event.group.path,
        ...common,
      };
    case 'tagged':
      return { kind: 'tagAdded', tag: checked.event.tag, ...common };
  }
}

function step(checked: CheckedStep): StepDefinition {
  switch (checked.kind) {
    case 'send':
      return { type: checked.channel === 'email' ? 'sendEmail' : 'sendLetter', template: checked.template };
    case 'wait':
      return { type: 'wait', seconds: checked.seconds };
    case 'waitUntil':
      return {
        type: 'waitUntil',
        ...(checked.weekday ? { weekday: checked.weekday } : {}),
        time: printTime(checked.time),
        hour: checked.time.hour,
        minute: checked.time.minute,
        timeZone: 'contact',
      };
    case 'stopIf':
      return { type: 'stopIf', condition: checked.condition };
    case 'addToGroup':
      return { type: 'addToGroup', groupId: checked.group.groupId, groupPath: checked.group.path };
    case 'removeFromGroup':
      return { type: 'removeFromGroup', groupId: checked.group.groupId, groupPath: checked.group.path };
    case 'addTag':
      return { type: 'addTag', tag: checked.tag };
    case 'removeTag':
      return { type: 'removeTag', tag: checked.tag };
  }
}

/**
 * Turns the automation parts of a checked program into versioned JSON definitions.
 * Missing templates, sequences, groups and selections are the checker's diagnostics:
 * a program that checked without errors always compiles.
 */
export function compileAutomation(checked: CheckedProgram): AutomationDefinitions {
  return {
    definitionVersion: AUTOMATION_DEFINITION_VERSION,
    triggers: checked.triggers.map(trigger),
    sequences: checked.sequences.map((sequence) => ({
      name: sequence.name,
      steps: sequence.steps.map(step),
    })),
    schedules: checked.schedules.map((schedule) => ({
      weekday: schedule.day === 'day' ? null : schedule.day,
      time: printTime(schedule.time),
      hour: schedule.time.hour,
      minute: schedule.time.minute,
      cron: `${schedule.time.minute} ${schedule.time.hour} * * ${schedule.day === 'day' ? '*' : CRON_WEEKDAY[schedule.day]}`,
      timeZone: schedule.timeZone ?? null,
      action: {
        type: schedule.channel === 'email' ? 'sendEmail' : 'sendLetter',
        template: schedule.template,
        audience: {
          ...(schedule.selection === undefined ? {} : { selection: schedule.selection }),
          condition: schedule.audience,
        },
      },
    })),
  };
}

/**
 * Whether a membership change entered or left a subtree: `subtree` is the group and
 * all its descendants, `before` and `after` the contact's group ids.
 */
export function subtreeTransition(
  subtree: Iterable<string>,
  before: Iterable<string>,
  after: Iterable<string>,
): 'entered' | 'left' | null {
  const ids = new Set(subtree);
  const wasIn = [...before].some((id) => ids.has(id));
  const isIn = [...after].some((id) => ids.has(id));
  if (!wasIn && isIn) return 'entered';
  if (wasIn && !isIn) return 'left';
  return null;
}

/** The group triggers a membership change fires; `subtreeOf` gives a group's id plus its descendants' ids. */
export function firedGroupTriggers(
  triggers: readonly TriggerDefinition[],
  before: Iterable<string>,
  after: Iterable<string>,
  subtreeOf: (groupId: string) => Iterable<string>,
): TriggerDefinition[] {
  const was = [...before];
  const is = [...after];
  return triggers.filter((t) => {
    if (t.kind === 'tagAdded') return false;
    const transition = subtreeTransition(subtreeOf(t.groupId), was, is);
    return (
      (t.kind === 'groupEntered' && transition === 'entered') ||
      (t.kind === 'groupLeft' && transition === 'left')
    );
  });
}
