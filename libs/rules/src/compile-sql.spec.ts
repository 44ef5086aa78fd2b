import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Catalog } from './catalog.js';
import { checkText } from './check.js';
import type { CheckedCondition, ResolvedField } from './checked.js';
import { compileSelection, renumberPlaceholders } from './compile-sql.js';
import { GROUP, sampleCatalog, SEGMENT_FAIR } from './testing/sample-catalog.js';

function compiled(text: string, catalog: Catalog = sampleCatalog) {
  const result = checkText(`selection "s" = ${text}`, catalog);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compileSelection(result.checked!.selections[0]!);
}

/** Placeholders must be $1..$n, each used, none missing. */
function expectPlaceholdersMatch(sql: string, params: unknown[]): void {
  const used = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  expect([...used].sort((a, b) => a - b)).toEqual(params.map((_, i) => i + 1));
}

describe('compileSelection: query shape', () => {
  it('selects contact ids with a matching count query and shared params', () => {
    const result = compiled('city = "Berlin"');
    expect(result.sql).toBe('SELECT c.id FROM contacts c WHERE COALESCE(c.city = $1::text, false)');
    expect(result.countSql).toBe(
      'SELECT count(*)::int AS count FROM contacts c WHERE COALESCE(c.city = $1::text, false)',
    );
    expect(result.params).toEqual(['Berlin']);
  });

  it('passes a group subtree as one uuid[] param, and only the group for "in exactly"', () => {
    const subtree = compiled('in Travel/Greece');
    expect(subtree.predicate).toBe(
      'EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY($1::uuid[]))',
    );
    expect(subtree.params).toEqual([[GROUP.greece, GROUP.crete, GROUP.rhodes]]);
    const exact = compiled('in exactly Travel/Greece');
    expect(exact.predicate).toContain('gm.group_id = $1::uuid');
    expect(exact.params).toEqual([GROUP.greece]);
  });

  it('tests alternatives on the same table with one EXISTS, so PostgreSQL can join instead of probing per contact', () => {
    const result = compiled(
      'in Travel/Greece or in exactly Customers or tagged "VIP" or tagged "hot" or city = "x" or in segment "Fair 2026"',
    );
    expect(result.predicate).toBe(
      '(EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY($1::uuid[]))' +
        ' OR EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id' +
        ' AND lower(t.name COLLATE "C") = ANY($2::text[]))' +
        ' OR COALESCE(c.city = $3::text, false)' +
        ' OR EXISTS (SELECT 1 FROM segment_members sm WHERE sm.contact_id = c.id AND sm.segment_id = $4::uuid))',
    );
    expect(result.params).toEqual([
      [GROUP.greece, GROUP.crete, GROUP.rhodes, GROUP.customers],
      ['vip', 'hot'],
      'x',
      SEGMENT_FAIR,
    ]);
    const negated = compiled('not (in Travel/Greece or in Travel/Greece/Crete)');
    expect(negated.predicate).toBe(
      '(NOT (EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY($1::uuid[]))))',
    );
    expect(negated.params).toEqual([[GROUP.greece, GROUP.crete, GROUP.rhodes]]);
    expect(compiled('in Travel/Greece and in Customers').params).toEqual([
      [GROUP.greece, GROUP.crete, GROUP.rhodes],
      [GROUP.customers, GROUP.customersVip],
    ]);
  });

  it('joins tags by name as a lower-cased param, and segments by id', () => {
    expect(compiled('tagged "VIP"').params).toEqual(['vip']);
    expect(compiled('not tagged "vip"')).toEqual(
      expect.objectContaining({
        from: 'contacts c',
        predicate:
          '(NOT EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id AND lower(t.name COLLATE "C") = $1::text))',
        params: ['vip'],
      }),
    );
    expect(compiled('in segment "Fair 2026"').params).toEqual([SEGMENT_FAIR]);
  });

  it('turns tags that the whole selection requires into inner joins, and only those', () => {
    const required = compiled('tagged "VIP" and (city = "Berlin" or tagged "hot") and tagged "vip"');
    expect(required.from).toBe(
      'contacts c JOIN contact_tags tag_held_0 ON tag_held_0.contact_id = c.id' +
        ' JOIN tags tag_named_0 ON tag_named_0.id = tag_held_0.tag_id AND lower(tag_named_0.name COLLATE "C") = $1::text',
    );
    expect(required.predicate).toBe(
      '(COALESCE(c.city = $2::text, false) OR EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id AND lower(t.name COLLATE "C") = $3::text))',
    );
    expect(required.params).toEqual(['vip', 'Berlin', 'hot']);
    expect(required.countSql).toBe(
      `SELECT count(*)::int AS count FROM ${required.from} WHERE ${required.predicate}`,
    );
    expect(compiled('tagged "a" and tagged "b"').from).toContain('tag_named_1');
    expect(compiled('tagged "vip"').predicate).toBe('true');
    expect(compiled('city = "Berlin" or tagged "vip"').from).toBe('contacts c');
  });

  it('lowercases email comparisons on both sides, ASCII only', () => {
    const result = compiled('email ends with "@GMail.COM"');
    expect(result.predicate).toBe(
      'COALESCE(right(lower(c.email COLLATE "C"), length($1::text)) = $1::text, false)',
    );
    expect(result.params).toEqual(['@gmail.com']);
  });

  it('reads custom fields through their JSON type with the key as a param', () => {
    const result = compiled('budget >= 1000');
    expect(result.predicate).toBe(
      "COALESCE((CASE WHEN jsonb_typeof(c.custom -> $1::text) = 'number' THEN (c.custom ->> $1::text)::numeric END) >= $2::numeric, false)",
    );
    expect(result.params).toEqual(['budget', '1000']);
  });

  it('compiles relative dates to exact seconds back from now(), or from a fixed now', () => {
    const result = compiled('createdAt within last 30 days');
    expect(result.predicate).toBe(
      'COALESCE(c.created_at >= now() - make_interval(secs => $1::double precision), false)',
    );
    expect(result.params).toEqual(['2592000']);
    const checked = checkText('selection "s" = updatedAt more than 2 hours ago', sampleCatalog).checked!;
    const fixed = compileSelection(checked.selections[0]!, { now: new Date('2026-11-22T10:00:00Z') });
    expect(fixed.predicate).toBe(
      'COALESCE(c.updated_at < $1::timestamptz - make_interval(secs => $2::double precision), false)',
    );
    expect(fixed.params).toEqual(['2026-11-22T10:00:00.000Z', '7200']);
  });

  it('compiles a date literal as a UTC calendar day', () => {
    expect(compiled('createdAt = 2026-12-31').params).toEqual([
      '2026-12-31T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(compiled('createdAt before 2026-03-01').predicate).toBe(
      'COALESCE(c.created_at < $1::timestamptz, false)',
    );
  });

  it('makes != and not true for a missing value', () => {
    expect(compiled('city != "Berlin"').predicate).toBe('NOT COALESCE(c.city = $1::text, false)');
    expect(compiled('not city = "Berlin"').predicate).toBe('(NOT COALESCE(c.city = $1::text, false))');
  });

  it('inlines nested selections', () => {
    const result = checkText(
      'selection "a" = tagged "vip"\nselection "b" = in selection "a" and subscribed',
      sampleCatalog,
    );
    const b = compileSelection(result.checked!.selections[1]!);
    expect(b.from).toContain('lower(tag_named_0.name COLLATE "C") = $1::text');
    expect(b.predicate).toContain('c.consent = $2::text');
    expect(b.params).toEqual(['vip', 'subscribed']);
  });

  it('ANDs in an access scope with renumbered placeholders', () => {
    const checked = checkText('selection "s" = city = "Berlin" and budget > 5', sampleCatalog).checked!;
    const result = compileSelection(checked.selections[0]!, {
      scope: {
        sql: "c.responsible_user_id = $1 AND c.kind <> '$2' AND c.company_id = $2",
        params: ['u', 'k'],
      },
    });
    expect(
      result.sql.endsWith("AND (c.responsible_user_id = $4 AND c.kind <> '$2' AND c.company_id = $5)"),
    ).toBe(true);
    expect(result.params).toEqual(['Berlin', 'budget', '5', 'u', 'k']);
    expectPlaceholdersMatch(result.sql.replace("'$2'", "''"), result.params);
  });

  it('renumbers only placeholders outside quotes', () => {
    expect(renumberPlaceholders(`a = $1 and "$1" = '$1' and b = $12`, 3)).toBe(
      `a = $4 and "$1" = '$1' and b = $15`,
    );
  });
});

const field = (type: ResolvedField['type'], custom: boolean, name: string): ResolvedField =>
  custom ? { source: 'custom', name, key: name, type } : { source: 'builtin', name, column: 'city', type };

describe('compileSelection: no rule value ever reaches the SQL text', () => {
  const hostile = [
    "O'Brien",
    'a"b',
    'back\\slash',
    "'; DROP TABLE contacts;--",
    ';--',
    'nul\u0000byte',
    'Ünïcødé 😀',
    '$9) OR (1=1',
    '$$ dollar $$',
    '*/ /*',
  ];

  it.each(hostile)('keeps %j out of the SQL wherever it appears', (value) => {
    const conditions: CheckedCondition[] = [
      { kind: 'tagged', tag: value },
      { kind: 'compare', field: field({ kind: 'text' }, false, 'city'), op: '=', value },
      { kind: 'compare', field: field({ kind: 'text' }, true, value), op: '<', value },
      { kind: 'text', field: field({ kind: 'text' }, true, value), op: 'contains', value },
      { kind: 'oneOf', field: field({ kind: 'text' }, true, value), values: [value, value], negated: true },
      { kind: 'isEmpty', field: field({ kind: 'number' }, true, value), negated: false },
      {
        kind: 'inGroup',
        group: { groupId: value, path: [value] },
        exactly: false,
        subtree: [{ groupId: value, path: [value] }],
      },
      { kind: 'inGroup', group: { groupId: value, path: [value] }, exactly: true, subtree: [] },
      { kind: 'inSegment', segmentId: value, name: value },
      { kind: 'inSelection', name: value, condition: { kind: 'tagged', tag: value } },
    ];
    for (const condition of conditions) {
      const { sql, countSql, params } = compileSelection(condition);
      expect(sql).not.toContain(value);
      expect(countSql).not.toContain(value);
      expect(params).toEqual(expect.arrayContaining([expect.anything()]));
      expectPlaceholdersMatch(sql, params);
    }
  });

  it('keeps hostile names of groups, tags, segments, fields and values out of compiled checked text', () => {
    const name = 'x\'; DROP TABLE contacts;--\\"ü';
    const catalog: Catalog = {
      ...sampleCatalog,
      groups: [{ id: GROUP.travel, name, parentId: null }],
      customFields: [{ key: 'quote_field', type: 'text' }],
      segments: [{ id: SEGMENT_FAIR, name }],
      tags: [name],
    };
    const quoted = JSON.stringify(name);
    const { sql, params } = compiled(
      `in ${quoted} and tagged ${quoted} and in segment ${quoted} and quote_field = ${quoted} and email starts with ${quoted}`,
      catalog,
    );
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain(name);
    expect(params).toContain(name);
    expectPlaceholdersMatch(sql, params);
  });

  it('holds for arbitrary strings in every place a string can go', () => {
    const conditionWith = (value: string): CheckedCondition => ({
      kind: 'and',
      operands: [
        { kind: 'tagged', tag: value },
        { kind: 'compare', field: field({ kind: 'text' }, true, value), op: '>=', value },
        { kind: 'text', field: field({ kind: 'text' }, false, 'city'), op: 'endsWith', value },
      ],
    });
    // A value made only of characters the SQL itself uses could match by coincidence.
    const alphabet = new Set(compileSelection(conditionWith('x')).sql);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), (value) => {
        fc.pre([...value].some((ch) => !alphabet.has(ch)));
        const { sql, params } = compileSelection(conditionWith(value));
        expect(sql).not.toContain(value);
        expectPlaceholdersMatch(sql, params);
      }),
      { numRuns: 300 },
    );
  });
});
