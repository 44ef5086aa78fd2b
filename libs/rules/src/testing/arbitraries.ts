import fc from 'fast-check';
import type {
  CompareOp,
  Condition,
  Duration,
  GroupPath,
  Literal,
  Program,
  Reentry,
  Statement,
  Step,
  WeekdayName,
} from '../ast.js';
import { isBareWord } from '../format.js';

/** Generated trees carry no real positions; compare them with stripSpans. */
const span = { offset: 0, length: 0 };

const tricky = fc.constantFrom(
  '"',
  '\\',
  '/',
  '#',
  '\n',
  '\r',
  '\t',
  ' ',
  'a',
  'Z',
  'ü',
  'Ω',
  '😀',
  '%',
  '_',
  "'",
  ';',
);
export const textValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: tricky, maxLength: 8 }),
);

export const bareWord = fc.oneof(
  fc.stringMatching(/^[a-zA-ZäöüßΩ_][a-zA-Z0-9äöü_-]{0,8}$/).filter(isBareWord),
  fc.constantFrom('email', 'start', 'monday', 'days', 'time', 'to', 'Türkei', 'Ελλάδα', 'true', 'is', 'one'),
);

const weekday = fc.constantFrom<WeekdayName>(
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
);

export const groupPath: fc.Arbitrary<GroupPath> = fc
  .array(fc.oneof(bareWord, textValue), { minLength: 1, maxLength: 3 })
  .map((segments) => ({ segments, span }));

const field = bareWord.map((name) => ({ name, span }));

export const literal: fc.Arbitrary<Literal> = fc.oneof(
  textValue.map((value) => ({ kind: 'string' as const, value, span })),
  fc.stringMatching(/^-?\d{1,6}(\.\d{1,4})?$/).map((value) => ({ kind: 'number' as const, value, span })),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/).map((value) => ({ kind: 'date' as const, value, span })),
  fc
    .oneof(bareWord, fc.constantFrom('subscribed', 'unsubscribed'))
    .map((value) => ({ kind: 'word' as const, value, span })),
);

export const duration: fc.Arbitrary<Duration> = fc.record({
  amount: fc.oneof(fc.nat(100000), fc.constantFrom(0.5, 2.25)),
  unit: fc.constantFrom<Duration['unit']>('minutes', 'hours', 'days', 'weeks'),
});

const compareOp = fc.constantFrom<CompareOp>('=', '!=', '<', '<=', '>', '>=');

const atom: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    kind: fc.constant('inGroup' as const),
    path: groupPath,
    exactly: fc.boolean(),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant('inSegment' as const), name: textValue, span: fc.constant(span) }),
  fc.record({ kind: fc.constant('inSelection' as const), name: textValue, span: fc.constant(span) }),
  fc.record({ kind: fc.constant('tagged' as const), tag: textValue, span: fc.constant(span) }),
  fc.record({
    kind: fc.constant('consent' as const),
    value: fc.constantFrom<'subscribed' | 'unsubscribed'>('subscribed', 'unsubscribed'),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('compare' as const),
    field,
    op: compareOp,
    value: literal,
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('oneOf' as const),
    field,
    values: fc.array(literal, { minLength: 1, maxLength: 3 }),
    negated: fc.boolean(),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('text' as const),
    field,
    op: fc.constantFrom<'contains' | 'startsWith' | 'endsWith'>('contains', 'startsWith', 'endsWith'),
    value: textValue,
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant('isEmpty' as const), field, negated: fc.boolean(), span: fc.constant(span) }),
  fc.record({
    kind: fc.constant('relativeDate' as const),
    field,
    op: fc.constantFrom<'withinLast' | 'moreThanAgo'>('withinLast', 'moreThanAgo'),
    duration,
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('dateCompare' as const),
    field,
    op: fc.constantFrom<'before' | 'after'>('before', 'after'),
    date: fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    span: fc.constant(span),
  }),
);

export const condition: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.record({
      kind: fc.constantFrom<'and' | 'or'>('and', 'or'),
      operands: fc.array(tie('condition'), { minLength: 2, maxLength: 3 }),
      span: fc.constant(span),
    }),
    fc.record({ kind: fc.constant('not' as const), operand: tie('condition'), span: fc.constant(span) }),
  ),
})).condition;

const clock = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) });

const reentry: fc.Arbitrary<Reentry> = fc.oneof(
  fc.constant({ policy: 'once' as const }),
  fc.constant({ policy: 'everyTime' as const }),
  duration.map((d) => ({ policy: 'oncePer' as const, duration: d })),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    channel: fc.constantFrom<'email' | 'letter'>('email', 'letter'),
    template: textValue,
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant('wait' as const), duration, span: fc.constant(span) }),
  fc.record(
    { kind: fc.constant('waitUntil' as const), weekday, time: clock, span: fc.constant(span) },
    { requiredKeys: ['kind', 'time', 'span'] },
  ),
  fc.record({ kind: fc.constant('stopIf' as const), condition, span: fc.constant(span) }),
  fc.record({
    kind: fc.constantFrom<'addToGroup' | 'removeFromGroup'>('addToGroup', 'removeFromGroup'),
    path: groupPath,
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constantFrom<'addTag' | 'removeTag'>('addTag', 'removeTag'),
    tag: textValue,
    span: fc.constant(span),
  }),
);

export const statement: fc.Arbitrary<Statement> = fc.oneof(
  fc.record({
    kind: fc.constant('selection' as const),
    name: textValue,
    nameSpan: fc.constant(span),
    condition,
    span: fc.constant(span),
  }),
  fc.record(
    {
      kind: fc.constant('trigger' as const),
      event: fc.oneof(
        groupPath.map((path) => ({ kind: 'addedTo' as const, path })),
        groupPath.map((path) => ({ kind: 'removedFrom' as const, path })),
        textValue.map((tag) => ({ kind: 'tagged' as const, tag, span })),
      ),
      condition,
      action: fc.record({
        kind: fc.constantFrom<'startSequence' | 'stopSequence'>('startSequence', 'stopSequence'),
        sequence: textValue,
        span: fc.constant(span),
      }),
      reentry,
      span: fc.constant(span),
    },
    { requiredKeys: ['kind', 'event', 'action', 'span'] },
  ),
  fc.record({
    kind: fc.constant('sequence' as const),
    name: textValue,
    nameSpan: fc.constant(span),
    steps: fc.array(step, { maxLength: 4 }),
    span: fc.constant(span),
  }),
  fc.record(
    {
      kind: fc.constant('schedule' as const),
      day: fc.oneof(weekday, fc.constant('day' as const)),
      time: clock,
      timeZone: fc.constantFrom(
        'Europe/Berlin',
        'UTC',
        'America/Argentina/Buenos_Aires',
        'America/Port-au-Prince',
      ),
      channel: fc.constantFrom<'email' | 'letter'>('email', 'letter'),
      template: textValue,
      templateSpan: fc.constant(span),
      audience: condition,
      span: fc.constant(span),
    },
    { requiredKeys: ['kind', 'day', 'time', 'channel', 'template', 'templateSpan', 'audience', 'span'] },
  ),
);

export const program: fc.Arbitrary<Program> = fc
  .array(statement, { maxLength: 4 })
  .map((statements) => ({ statements }));
