/** Where a node came from in the source text, in UTF-16 offsets. */
export interface Span {
  offset: number;
  length: number;
}

export type WeekdayName = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
export type DurationUnit = 'minutes' | 'hours' | 'days' | 'weeks';
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOp = 'contains' | 'startsWith' | 'endsWith';

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export interface ClockTime {
  hour: number;
  minute: number;
}

/**
 * A value written in a rule. Numbers keep their decimal text so comparisons stay exact;
 * `word` is a bare word such as an enum value, `true` or `false`.
 */
export type Literal =
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: string; span: Span }
  | { kind: 'date'; value: string; span: Span }
  | { kind: 'word'; value: string; span: Span };

export interface GroupPath {
  segments: string[];
  span: Span;
}

export interface FieldName {
  name: string;
  span: Span;
}

export type Condition =
  | { kind: 'and'; operands: Condition[]; span: Span }
  | { kind: 'or'; operands: Condition[]; span: Span }
  | { kind: 'not'; operand: Condition; span: Span }
  | { kind: 'inGroup'; path: GroupPath; exactly: boolean; span: Span }
  | { kind: 'inSegment'; name: string; span: Span }
  | { kind: 'inSelection'; name: string; span: Span }
  | { kind: 'tagged'; tag: string; span: Span }
  | { kind: 'consent'; value: 'subscribed' | 'unsubscribed'; span: Span }
  | { kind: 'compare'; field: FieldName; op: CompareOp; value: Literal; span: Span }
  | { kind: 'oneOf'; field: FieldName; values: Literal[]; negated: boolean; span: Span }
  | { kind: 'text'; field: FieldName; op: TextOp; value: string; span: Span }
  | { kind: 'isEmpty'; field: FieldName; negated: boolean; span: Span }
  | {
      kind: 'relativeDate';
      field: FieldName;
      op: 'withinLast' | 'moreThanAgo';
      duration: Duration;
      span: Span;
    }
  | { kind: 'dateCompare'; field: FieldName; op: 'before' | 'after'; date: string; span: Span };

export type ConditionKind = Condition['kind'];

export interface SelectionStatement {
  kind: 'selection';
  name: string;
  nameSpan: Span;
  condition: Condition;
  span: Span;
}

export type TriggerEvent =
  | { kind: 'addedTo'; path: GroupPath }
  | { kind: 'removedFrom'; path: GroupPath }
  | { kind: 'tagged'; tag: string; span: Span };

export type Reentry =
  { policy: 'once' } | { policy: 'everyTime' } | { policy: 'oncePer'; duration: Duration };

export interface TriggerStatement {
  kind: 'trigger';
  event: TriggerEvent;
  condition?: Condition;
  action: { kind: 'startSequence' | 'stopSequence'; sequence: string; span: Span };
  /** Absent when the rule does not say; the automation compiler then uses "once". */
  reentry?: Reentry;
  span: Span;
}

export type Step =
  | { kind: 'send'; channel: 'email' | 'letter'; template: string; span: Span }
  | { kind: 'wait'; duration: Duration; span: Span }
  | { kind: 'waitUntil'; weekday?: WeekdayName; time: ClockTime; span: Span }
  | { kind: 'stopIf'; condition: Condition; span: Span }
  | { kind: 'addToGroup'; path: GroupPath; span: Span }
  | { kind: 'removeFromGroup'; path: GroupPath; span: Span }
  | { kind: 'addTag'; tag: string; span: Span }
  | { kind: 'removeTag'; tag: string; span: Span };

export interface SequenceStatement {
  kind: 'sequence';
  name: string;
  nameSpan: Span;
  steps: Step[];
  span: Span;
}

export interface ScheduleStatement {
  kind: 'schedule';
  day: WeekdayName | 'day';
  time: ClockTime;
  /** IANA zone as written; absent means the account's zone. */
  timeZone?: string;
  timeZoneSpan?: Span;
  channel: 'email' | 'letter';
  template: string;
  templateSpan: Span;
  /** `to selection "X"` is kept as an inSelection condition. */
  audience: Condition;
  span: Span;
}

export type Statement = SelectionStatement | TriggerStatement | SequenceStatement | ScheduleStatement;

export interface Program {
  statements: Statement[];
}
