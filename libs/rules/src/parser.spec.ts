import { describe, expect, it } from '@jest/globals';
import type { Condition, Program, Statement } from './ast.js';
import { parse } from './parse.js';
import { EXAMPLE } from './testing/sample-catalog.js';
import { stripSpans } from './testing/strip-spans.js';

function statements(text: string): Statement[] {
  const result = parse(text);
  expect(result.diagnostics).toEqual([]);
  return stripSpans((result.ast as Program).statements);
}

function condition(text: string): Condition {
  const [statement] = statements(`selection "s" = ${text}`);
  if (statement?.kind !== 'selection') throw new Error('not a selection');
  return statement.condition;
}

function shape(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
      return `${c.kind}(${c.operands.map(shape).join(', ')})`;
    case 'not':
      return `not(${shape(c.operand)})`;
    case 'tagged':
      return c.tag;
    case 'inGroup':
      return c.path.segments.join('/');
    default:
      return c.kind;
  }
}

describe('parse: the documented example', () => {
  it('reads every statement without diagnostics', () => {
    const result = parse(EXAMPLE);
    expect(result.diagnostics).toEqual([]);
    expect(result.ast?.statements.map((s) => s.kind)).toEqual([
      ...Array(7).fill('selection'),
      ...Array(4).fill('trigger'),
      ...Array(3).fill('sequence'),
      'schedule',
    ]);
    expect(result.comments.map((c) => c.text)).toContain("# comments start with '#'");
  });
});

describe('parse: boolean structure', () => {
  it('binds not tighter than and, and and tighter than or', () => {
    expect(shape(condition('tagged "a" or tagged "b" and not tagged "c"'))).toBe('or(a, and(b, not(c)))');
    expect(shape(condition('not tagged "a" and tagged "b"'))).toBe('and(not(a), b)');
  });

  it('lets parentheses override precedence and keeps their nesting', () => {
    expect(shape(condition('(tagged "a" or tagged "b") and tagged "c"'))).toBe('and(or(a, b), c)');
    expect(shape(condition('(tagged "a" and tagged "b") and tagged "c"'))).toBe('and(and(a, b), c)');
    expect(shape(condition('not (tagged "a" or tagged "b")'))).toBe('not(or(a, b))');
  });

  it('flattens a chain of the same operator into one node', () => {
    expect(shape(condition('tagged "a" and tagged "b" and tagged "c"'))).toBe('and(a, b, c)');
  });
});

describe('parse: group membership', () => {
  it('reads paths of bare and quoted segments, keeping a slash inside quotes', () => {
    expect(condition('in Travel/"Greek islands"/Crete')).toMatchObject({
      kind: 'inGroup',
      exactly: false,
      path: { segments: ['Travel', 'Greek islands', 'Crete'] },
    });
    expect(condition('in "A/B test"')).toMatchObject({ path: { segments: ['A/B test'] } });
  });

  it('accepts Unicode letters in bare segments', () => {
    expect(condition('in Reiseangebote/Türkei')).toMatchObject({
      path: { segments: ['Reiseangebote', 'Türkei'] },
    });
    expect(condition('in Ελλάδα/Κρήτη')).toMatchObject({ path: { segments: ['Ελλάδα', 'Κρήτη'] } });
  });

  it('accepts soft keywords as group names', () => {
    expect(condition('in start/email/monday')).toMatchObject({
      path: { segments: ['start', 'email', 'monday'] },
    });
  });

  it('distinguishes exactly, segments and selections', () => {
    expect(condition('in exactly "Travel offers"')).toMatchObject({ kind: 'inGroup', exactly: true });
    expect(condition('in segment "Fair 2026"')).toEqual({ kind: 'inSegment', name: 'Fair 2026' });
    expect(condition('in selection "Greece leads"')).toEqual({ kind: 'inSelection', name: 'Greece leads' });
  });

  it('decodes escapes in quoted text', () => {
    expect(condition('tagged "say \\"hi\\" \\\\ now\\n"')).toEqual({
      kind: 'tagged',
      tag: 'say "hi" \\ now\n',
    });
  });
});

describe('parse: field conditions', () => {
  it.each([
    ['city = "Berlin"', { kind: 'compare', op: '=', value: { kind: 'string', value: 'Berlin' } }],
    ['budget >= 1000', { kind: 'compare', op: '>=', value: { kind: 'number', value: '1000' } }],
    ['budget < -2.5', { kind: 'compare', op: '<', value: { kind: 'number', value: '-2.5' } }],
    ['budget != 3', { kind: 'compare', op: '!=' }],
    ['kind = company', { kind: 'compare', value: { kind: 'word', value: 'company' } }],
    ['consent is subscribed', { kind: 'compare', op: '=', value: { kind: 'word', value: 'subscribed' } }],
    [
      'consent is not unsubscribed',
      { kind: 'compare', op: '!=', value: { kind: 'word', value: 'unsubscribed' } },
    ],
    ['country one of ("DE", "AT")', { kind: 'oneOf', negated: false }],
    ['country not one of ("DE")', { kind: 'oneOf', negated: true }],
    ['email ends with "@gmail.com"', { kind: 'text', op: 'endsWith', value: '@gmail.com' }],
    ['email starts with "info@"', { kind: 'text', op: 'startsWith' }],
    ['note contains "x"', { kind: 'text', op: 'contains' }],
    ['phone is empty', { kind: 'isEmpty', negated: false }],
    ['phone is not empty', { kind: 'isEmpty', negated: true }],
    [
      'createdAt within last 30 days',
      { kind: 'relativeDate', op: 'withinLast', duration: { amount: 30, unit: 'days' } },
    ],
    [
      'updatedAt more than 1 week ago',
      { kind: 'relativeDate', op: 'moreThanAgo', duration: { amount: 1, unit: 'weeks' } },
    ],
    ['createdAt before 2026-01-31', { kind: 'dateCompare', op: 'before', date: '2026-01-31' }],
    ['createdAt after 2026-01-31', { kind: 'dateCompare', op: 'after' }],
    ['createdAt >= 2026-01-31', { kind: 'compare', value: { kind: 'date', value: '2026-01-31' } }],
  ])('reads %s', (text, expected) => {
    expect(condition(text)).toMatchObject(expected);
  });

  it('reads subscribed and unsubscribed as consent shorthands', () => {
    expect(condition('subscribed')).toEqual({ kind: 'consent', value: 'subscribed' });
    expect(condition('unsubscribed')).toEqual({ kind: 'consent', value: 'unsubscribed' });
  });

  it('uses a keyword such as email as a field name', () => {
    expect(condition('email = "a@b.c"')).toMatchObject({ field: { name: 'email' } });
  });
});

describe('parse: triggers', () => {
  it('defaults re-entry to absent and reads every time, once and once per', () => {
    const [plain, everyTime, once, oncePer] = statements(`
      when added to Start/Greece start sequence "A"
      when added to Start/Greece if country = "DE" start sequence "B" every time
      when removed from Start/Greece stop sequence "A" once
      when tagged "vip" start sequence "C" once per 30 days`);
    expect(plain).toEqual({
      kind: 'trigger',
      event: { kind: 'addedTo', path: { segments: ['Start', 'Greece'] } },
      action: { kind: 'startSequence', sequence: 'A' },
    });
    expect(everyTime).toMatchObject({ condition: { kind: 'compare' }, reentry: { policy: 'everyTime' } });
    expect(once).toMatchObject({
      event: { kind: 'removedFrom' },
      action: { kind: 'stopSequence' },
      reentry: { policy: 'once' },
    });
    expect(oncePer).toMatchObject({
      event: { kind: 'tagged', tag: 'vip' },
      reentry: { policy: 'oncePer', duration: { amount: 30, unit: 'days' } },
    });
  });

  it('does not mistake a following schedule for "every time"', () => {
    const parsed = statements(`when tagged "vip" start sequence "C"
every monday at 09:00 send email "x" to selection "y"`);
    expect(parsed.map((s) => s.kind)).toEqual(['trigger', 'schedule']);
    expect(parsed[0]).not.toHaveProperty('reentry');
  });
});

describe('parse: sequences', () => {
  it('reads every kind of step in order', () => {
    const [sequence] = statements(`sequence "S" {
      send email "a"
      send letter "b"
      wait 2 days
      wait 3 hours
      wait until monday 09:00
      wait until 7:30
      stop if in Customers and not tagged "x"
      add to Interested/Greece
      remove from Start/Greece
      add tag "t"
      remove tag "t"
    }`);
    expect(sequence).toMatchObject({
      kind: 'sequence',
      name: 'S',
      steps: [
        { kind: 'send', channel: 'email', template: 'a' },
        { kind: 'send', channel: 'letter', template: 'b' },
        { kind: 'wait', duration: { amount: 2, unit: 'days' } },
        { kind: 'wait', duration: { amount: 3, unit: 'hours' } },
        { kind: 'waitUntil', weekday: 'monday', time: { hour: 9, minute: 0 } },
        { kind: 'waitUntil', time: { hour: 7, minute: 30 } },
        { kind: 'stopIf', condition: { kind: 'and' } },
        { kind: 'addToGroup', path: { segments: ['Interested', 'Greece'] } },
        { kind: 'removeFromGroup', path: { segments: ['Start', 'Greece'] } },
        { kind: 'addTag', tag: 't' },
        { kind: 'removeTag', tag: 't' },
      ],
    });
  });

  it('accepts an empty sequence', () => {
    expect(statements('sequence "S" {}')).toEqual([{ kind: 'sequence', name: 'S', steps: [] }]);
  });
});

describe('parse: schedules', () => {
  it('reads weekday, time, zone, template and audience', () => {
    expect(
      statements('every monday at 09:00 Europe/Berlin send email "weekly" to selection "Greece leads"'),
    ).toEqual([
      {
        kind: 'schedule',
        day: 'monday',
        time: { hour: 9, minute: 0 },
        timeZone: 'Europe/Berlin',
        channel: 'email',
        template: 'weekly',
        audience: { kind: 'inSelection', name: 'Greece leads' },
      },
    ]);
  });

  it('accepts a one-word zone, no zone, every day and a condition as audience', () => {
    const [utc, none] = statements(`every day at 18:00 UTC send letter "l" to in Travel and subscribed
every friday at 8:05 send email "e" to tagged "vip"`);
    expect(utc).toMatchObject({ day: 'day', timeZone: 'UTC', audience: { kind: 'and' } });
    expect(none).toMatchObject({ day: 'friday', time: { hour: 8, minute: 5 }, audience: { kind: 'tagged' } });
    expect(none).not.toHaveProperty('timeZone');
  });
});

describe('parse: errors', () => {
  it('points at the unexpected token with a plain-language message', () => {
    const text = 'selection "x" = in and subscribed';
    const result = parse(text);
    expect(result.ast).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      offset: 19,
      length: 3,
      line: 1,
      column: 20,
      severity: 'error',
    });
    expect(result.diagnostics[0]!.message).toMatch(/group.*found "and"/);
  });

  it('reports a missing closing quote and keeps reading the next line', () => {
    const result = parse('selection "x = tagged "vip"\nselection "y" = subscribed');
    expect(
      result.diagnostics.some((d) => d.code === 'unterminated-string' || d.code === 'syntax-error'),
    ).toBe(true);
    const unterminated = parse('selection "x" = tagged "vip\nselection "y" = subscribed');
    expect(unterminated.diagnostics[0]).toMatchObject({ code: 'unterminated-string', line: 1, column: 24 });
    expect(unterminated.recovered.statements.map((s) => s.kind === 'selection' && s.name)).toContain('y');
  });

  it('reports characters outside the language', () => {
    const result = parse('selection "x" = city = "a" & subscribed');
    expect(result.diagnostics[0]).toMatchObject({ code: 'unexpected-character', offset: 27, length: 1 });
  });

  it('reports the end of the text when a statement is cut short', () => {
    const text = 'selection "x" =\n';
    const result = parse(text);
    expect(result.diagnostics[0]).toMatchObject({ offset: text.length, length: 0, line: 2, column: 1 });
    expect(result.diagnostics[0]!.message).toContain('end of the text');
  });

  it('recovers later statements after a broken one', () => {
    const result = parse(
      'selection "x" = city =\nselection "y" = subscribed\nwhen tagged "a" start sequence "b"',
    );
    expect(result.ast).toBeUndefined();
    expect(result.recovered.statements.map((s) => s.kind)).toEqual(['selection', 'trigger']);
  });

  it('rejects capitalised keywords, since keywords are lower case', () => {
    expect(parse('Selection "x" = subscribed').diagnostics[0]?.message).toContain('"Selection"');
  });
});
