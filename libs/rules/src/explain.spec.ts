import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkText } from './check.js';
import type { CheckedCondition } from './checked.js';
import { decimalCompare } from './decimal.js';
import { explain, formatExplanation } from './explain.js';
import type { ContactFacts } from './facts.js';
import { evaluate, select } from './reference-evaluator.js';
import { GROUP, sampleCatalog, SEGMENT_FAIR } from './testing/sample-catalog.js';

const now = new Date('2026-11-22T12:00:00.000Z');

function condition(text: string): CheckedCondition {
  const result = checkText(`selection "s" = ${text}`, sampleCatalog);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.checked!.selections[0]!.condition;
}

function contact(overrides: Partial<ContactFacts> = {}): ContactFacts {
  return {
    id: 'c1',
    fields: { kind: 'person', consent: 'unknown', createdAt: '2026-11-01T08:00:00.000Z' },
    custom: {},
    memberships: [],
    tags: [],
    segments: [],
    ...overrides,
  };
}

const matches = (text: string, facts: ContactFacts) => evaluate(condition(text), facts, { now });

describe('reference evaluator: semantics shared with the SQL', () => {
  it('counts membership in any group of the subtree, and only the group for "exactly"', () => {
    const inCrete = contact({ memberships: [{ groupId: GROUP.crete, addedAt: '2026-11-02T00:00:00Z' }] });
    expect(matches('in Travel/Greece', inCrete)).toBe(true);
    expect(matches('in Travel', inCrete)).toBe(true);
    expect(matches('in exactly Travel/Greece', inCrete)).toBe(false);
    expect(matches('in Start/Greece', inCrete)).toBe(false);
  });

  it('compares email ignoring ASCII case only', () => {
    const facts = contact({ fields: { email: 'Anna@GMail.COM' } });
    expect(matches('email = "anna@gmail.com"', facts)).toBe(true);
    expect(matches('email ends with "@gmail.com"', facts)).toBe(true);
    expect(matches('email contains "ANNA"', facts)).toBe(true);
    expect(matches('email = "änna@gmail.com"', contact({ fields: { email: 'Änna@gmail.com' } }))).toBe(false);
  });

  it('compares other text exactly and orders it by code point', () => {
    expect(matches('city = "berlin"', contact({ fields: { city: 'Berlin' } }))).toBe(false);
    expect(matches('city < "a"', contact({ fields: { city: 'Z' } }))).toBe(true);
    expect(matches('city > "\uffff"', contact({ fields: { city: '😀' } }))).toBe(true);
  });

  it('treats a missing value as failing every comparison except !=, not one of and is empty', () => {
    const empty = contact();
    expect(matches('city = "Berlin"', empty)).toBe(false);
    expect(matches('city < "Berlin"', empty)).toBe(false);
    expect(matches('city != "Berlin"', empty)).toBe(true);
    expect(matches('not city = "Berlin"', empty)).toBe(true);
    expect(matches('city not one of ("Berlin")', empty)).toBe(true);
    expect(matches('city is empty', empty)).toBe(true);
    expect(matches('city is empty', contact({ fields: { city: '' } }))).toBe(true);
    expect(matches('budget is empty', contact({ custom: { budget: '' } }))).toBe(true);
  });

  it('ignores custom values of the wrong JSON type', () => {
    expect(matches('budget >= 1000', contact({ custom: { budget: '5000' } }))).toBe(false);
    expect(matches('budget >= 1000', contact({ custom: { budget: 5000 } }))).toBe(true);
    expect(matches('vip = true', contact({ custom: { vip: 'true' } }))).toBe(false);
    expect(matches('lastPurchase is empty', contact({ custom: { lastPurchase: '2026-02-30' } }))).toBe(true);
  });

  it('compares numbers exactly, including JSON exponent form', () => {
    expect(matches('budget > 999999999999999999999', contact({ custom: { budget: 1e21 } }))).toBe(true);
    expect(decimalCompare('0.1', '0.10')).toBe(0);
    expect(decimalCompare('1e+21', '999999999999999999999.9')).toBe(1);
    expect(decimalCompare('-2', '-10')).toBe(1);
  });

  it('reads a date literal as a whole UTC day', () => {
    const late = contact({ fields: { createdAt: '2026-11-02T23:59:59.999Z' } });
    expect(matches('createdAt = 2026-11-02', late)).toBe(true);
    expect(matches('createdAt before 2026-11-03', late)).toBe(true);
    expect(matches('createdAt after 2026-11-02', late)).toBe(false);
    expect(matches('createdAt <= 2026-11-02', late)).toBe(true);
    expect(matches('createdAt > 2026-11-01', late)).toBe(true);
  });

  it('measures relative dates in exact seconds from the injected now', () => {
    const edge = contact({ fields: { createdAt: '2026-10-23T12:00:00.000Z' } });
    expect(matches('createdAt within last 30 days', edge)).toBe(true);
    expect(matches('createdAt more than 30 days ago', edge)).toBe(false);
    const older = contact({ fields: { createdAt: '2026-10-23T11:59:59.999Z' } });
    expect(matches('createdAt within last 30 days', older)).toBe(false);
    expect(matches('createdAt more than 30 days ago', older)).toBe(true);
  });

  it('matches tag names ignoring ASCII case, as their unique index does', () => {
    expect(matches('tagged "VIP"', contact({ tags: [{ name: 'vip' }] }))).toBe(true);
    expect(matches('tagged "Ärger"', contact({ tags: [{ name: 'ärger' }] }))).toBe(false);
  });

  it('filters a dataset in input order', () => {
    const a = contact({ id: 'a', tags: [{ name: 'vip' }] });
    const b = contact({ id: 'b' });
    const c = contact({ id: 'c', tags: [{ name: 'vip' }], segments: [{ segmentId: SEGMENT_FAIR }] });
    expect(select(condition('tagged "vip"'), [a, b, c], { now })).toEqual(['a', 'c']);
    expect(select(condition('tagged "vip" and in segment "Fair 2026"'), [a, b, c], { now })).toEqual(['c']);
  });
});

describe('explain', () => {
  it('says through which subgroup and since when a contact is in a group', () => {
    const facts = contact({ memberships: [{ groupId: GROUP.crete, addedAt: '2026-11-02T09:30:00.000Z' }] });
    const result = explain(condition('in Travel/Greece'), facts, { now });
    expect(formatExplanation(result)).toBe('in Travel/Greece: yes, via Travel/Greece/Crete since 2026-11-02');
  });

  it('explains each clause of a compound selection', () => {
    const facts = contact({
      fields: { city: 'Berlin', email: 'anna@gmail.com', createdAt: '2026-11-20T00:00:00.000Z' },
      memberships: [{ groupId: GROUP.greece, addedAt: '2026-11-05T00:00:00.000Z' }],
    });
    const text = formatExplanation(
      explain(condition('in Travel/Greece and not in Customers and createdAt within last 30 days'), facts, {
        now,
      }),
    );
    expect(text).toBe(
      [
        'in Travel/Greece and not in Customers and createdAt within last 30 days: yes, every part holds',
        '  in Travel/Greece: yes, directly since 2026-11-05',
        '  not in Customers: yes, "in Customers" is no',
        '    in Customers: no, not a member of Customers or any group below it',
        '  createdAt within last 30 days: yes, createdAt is 2026-11-20T00:00:00.000Z (2 days ago)',
      ].join('\n'),
    );
  });

  it('names the first failing part and shows missing or unusable values', () => {
    const facts = contact({ custom: { budget: 'lots' } });
    const result = explain(condition('budget >= 1000 or city = "Berlin"'), facts, { now });
    expect(result.result).toBe(false);
    expect(result.reason).toBe('no part holds');
    expect(result.children?.map((c) => c.reason)).toEqual([
      'budget is "lots", which is not a number',
      'city is empty',
    ]);
  });

  it('agrees with the reference evaluator on generated contacts', () => {
    const texts = [
      'in Travel/Greece and not tagged "vip"',
      'email ends with "@GMAIL.com" or city one of ("Berlin", "B")',
      'budget >= 1000 or budget is empty',
      'lastPurchase = 2026-11-02 or createdAt within last 1 days',
      'not (tier one of (gold, silver) and vip = true)',
      'city != "Berlin" and note contains "o"',
    ].map(condition);
    const facts: fc.Arbitrary<ContactFacts> = fc.record({
      id: fc.constant('x'),
      fields: fc.record({
        email: fc.option(fc.constantFrom('a@gmail.com', 'A@GMAIL.COM', 'x@y.de'), { nil: null }),
        city: fc.option(fc.constantFrom('Berlin', 'B', ''), { nil: undefined }),
        createdAt: fc.constantFrom('2026-11-22T00:00:00.000Z', '2026-11-01T00:00:00.000Z'),
      }),
      custom: fc.record(
        {
          budget: fc.constantFrom(1000, 999.5, '1000', null),
          lastPurchase: fc.constantFrom('2026-11-02', '2026-11-03', 'no'),
          tier: fc.constantFrom('gold', 'bronze', 7),
          vip: fc.constantFrom(true, false, 'true'),
          note: fc.constantFrom('hello', 'x', 3),
        },
        { requiredKeys: [] },
      ),
      memberships: fc.subarray([
        { groupId: GROUP.crete, addedAt: '2026-11-02T00:00:00Z' },
        { groupId: GROUP.customers, addedAt: '2026-11-02T00:00:00Z' },
      ]),
      tags: fc.subarray([{ name: 'vip' }, { name: 'hot' }]),
      segments: fc.constant<ContactFacts['segments']>([]),
    });
    fc.assert(
      fc.property(facts, (f) => {
        for (const c of texts) expect(explain(c, f, { now }).result).toBe(evaluate(c, f, { now }));
      }),
      { numRuns: 300 },
    );
  });
});
