import type { ClockTime, CompareOp, Duration, TextOp, WeekdayName } from './ast.js';

export type FieldType =
  | { kind: 'text' }
  | { kind: 'number' }
  | { kind: 'date' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] };

export interface GroupRef {
  groupId: string;
  /** Display path at the time of checking or relinking; the id is what counts. */
  path: string[];
}

/*
 * The checked form: names resolved to ids, types known, nested selections inlined.
 * It is plain JSON, so it can be stored with a rule and evaluated later.
 */

export type ResolvedField =
  | { source: 'builtin'; name: string; column: string; type: FieldType; caseInsensitive?: boolean }
  | { source: 'custom'; name: string; key: string; type: FieldType };

/**
 * A value already matched to its field's type: text and enum values as strings,
 * numbers as decimal text (exact), dates as YYYY-MM-DD, booleans as booleans.
 */
export type CheckedValue = string | boolean;

export type CheckedCondition =
  | { kind: 'and'; operands: CheckedCondition[] }
  | { kind: 'or'; operands: CheckedCondition[] }
  | { kind: 'not'; operand: CheckedCondition }
  /** `subtree` holds the group and all its descendants; `exactly` uses only the group. */
  | { kind: 'inGroup'; group: GroupRef; exactly: boolean; subtree: GroupRef[] }
  | { kind: 'inSegment'; segmentId: string; name: string }
  | { kind: 'inSelection'; name: string; condition: CheckedCondition }
  | { kind: 'tagged'; tag: string }
  | { kind: 'compare'; field: ResolvedField; op: CompareOp; value: CheckedValue }
  | { kind: 'oneOf'; field: ResolvedField; values: CheckedValue[]; negated: boolean }
  | { kind: 'text'; field: ResolvedField; op: TextOp; value: string }
  | { kind: 'isEmpty'; field: ResolvedField; negated: boolean }
  | {
      kind: 'relativeDate';
      field: ResolvedField;
      op: 'withinLast' | 'moreThanAgo';
      duration: Duration;
      seconds: number;
    };

export interface CheckedSelection {
  name: string;
  condition: CheckedCondition;
}

export type CheckedTriggerEvent =
  | { kind: 'addedTo'; group: GroupRef }
  | { kind: 'removedFrom'; group: GroupRef }
  | { kind: 'tagged'; tag: string };

export interface CheckedTrigger {
  event: CheckedTriggerEvent;
  condition?: CheckedCondition;
  action: { kind: 'startSequence' | 'stopSequence'; sequence: string };
  reentry: { policy: 'once' } | { policy: 'everyTime' } | { policy: 'oncePerDays'; days: number };
}

export type CheckedStep =
  | { kind: 'send'; channel: 'email' | 'letter'; template: string }
  | { kind: 'wait'; seconds: number; duration: Duration }
  | { kind: 'waitUntil'; weekday?: WeekdayName; time: ClockTime }
  | { kind: 'stopIf'; condition: CheckedCondition }
  | { kind: 'addToGroup'; group: GroupRef }
  | { kind: 'removeFromGroup'; group: GroupRef }
  | { kind: 'addTag'; tag: string }
  | { kind: 'removeTag'; tag: string };

export interface CheckedSequence {
  name: string;
  steps: CheckedStep[];
}

export interface CheckedSchedule {
  day: WeekdayName | 'day';
  time: ClockTime;
  /** Absent: the account's time zone. */
  timeZone?: string;
  channel: 'email' | 'letter';
  template: string;
  /** Set when the audience is written as `to selection "name"`. */
  selection?: string;
  audience: CheckedCondition;
}

export interface CheckedProgram {
  selections: CheckedSelection[];
  triggers: CheckedTrigger[];
  sequences: CheckedSequence[];
  schedules: CheckedSchedule[];
}

export const UNIT_SECONDS: Record<Duration['unit'], number> = {
  minutes: 60,
  hours: 3600,
  days: 86400,
  weeks: 604800,
};
