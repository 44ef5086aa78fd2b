// The SQL compiler against the reference evaluator, on real PostgreSQL: random rules
// over random small data sets. Each run loads its data set into a schema of its own
// (tables shaped like the real ones, found first through search_path), so other spec
// files writing to the shared test database cannot disturb it, and drops it at the end.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import pg from 'pg';
import {
  checkText,
  compileSelection,
  print,
  type Catalog,
  type CompareOp,
  type Condition,
  type ContactFacts,
  type Literal,
} from '../../../libs/rules/src/index.js';
import { select } from '../../../libs/rules/src/reference-evaluator.js';
import {
  id,
  sampleCatalog,
  sampleGroups,
  SEGMENT_FAIR,
} from '../../../libs/rules/src/testing/sample-catalog.js';
import { testDatabaseUrl } from '../../support/test-env.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const DAY = 86_400_000;
const SEGMENT_OTHER = id(101);
const SCHEMA = `rules_property_${process.pid}_${Date.now()}`;
const TABLES = ['contacts', 'group_memberships', 'tags', 'contact_tags', 'segment_members'];

const catalog: Catalog = {
  ...sampleCatalog,
  tags: ['vip', 'Hot', 'Ünï'],
  segments: [
    { id: SEGMENT_FAIR, name: 'Fair 2026' },
    { id: SEGMENT_OTHER, name: 'Other' },
  ],
  selections: [
    { name: 'greeks', source: 'selection "greeks" = in Travel/Greece' },
    { name: 'rich or tagged', source: 'selection "rich or tagged" = budget > 500 or tagged "VIP"' },
    {
      name: 'nested',
      source: 'selection "nested" = in selection "greeks" and not in selection "rich or tagged"',
    },
  ],
};

// ---- data ---------------------------------------------------------------------------

const at = (ms: number) => new Date(ms).toISOString();
const TIMESTAMPS = [
  at(NOW.getTime()),
  at(NOW.getTime() + 1),
  at(NOW.getTime() - 1),
  at(NOW.getTime() - DAY),
  at(NOW.getTime() - 7 * DAY),
  at(NOW.getTime() - 30 * DAY),
  at(NOW.getTime() - 30 * DAY - 1),
  at(NOW.getTime() - 90 * DAY),
  '2026-11-02T00:00:00.000Z',
  '2026-11-01T23:59:59.999Z',
  '2026-11-02T23:59:59.999Z',
  '2026-11-03T00:00:00.000Z',
  '2027-01-01T00:00:00.000Z',
  '2001-02-03T04:05:06.789Z',
];
const TEXTS = ['Berlin', 'berlin', 'Athens', '', 'Ä', '😀', 'a%_\\', "O'Neil", 'B', 'Be', 'ΩΣ', 'x y'];
const EMAILS = ['anna@GMail.com', 'anna@gmail.com', 'ÄNNA@x.de', 'b@x.de', 'Z@Y.DE', 'a%b@x.de'];
const GROUP_IDS = sampleGroups.map((group) => group.id);

interface Row {
  id: string;
  kind: 'person' | 'company';
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
  consent: 'unknown' | 'subscribed' | 'unsubscribed';
  custom: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  groups: string[];
  tags: string[];
  segments: string[];
}

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });

const customValues = fc.record(
  {
    budget: fc.constantFrom<unknown>(1000, 999.5, 0, -3, 500, 500.25, '1000', true, null),
    vip: fc.constantFrom<unknown>(true, false, 'true', 1),
    lastPurchase: fc.constantFrom<unknown>(
      '2026-11-02',
      '2026-11-03',
      '2026-02-30',
      '0000-01-01',
      'no',
      20261102,
    ),
    tier: fc.constantFrom<unknown>('gold', 'silver', 'bronze', 'platinum', 'Gold', 7),
    note: fc.constantFrom<unknown>('hello', 'Hello', '', 'x%', 'ℌello', 3, false),
  },
  { requiredKeys: [] },
);

const row = (index: number): fc.Arbitrary<Row> =>
  fc.record({
    id: fc.constant(id(1000 + index)),
    kind: fc.constantFrom<'person' | 'company'>('person', 'person', 'company'),
    email: fc.constantFrom(...EMAILS),
    first_name: maybe(fc.constantFrom(...TEXTS)),
    last_name: maybe(fc.constantFrom(...TEXTS)),
    company_name: maybe(fc.constantFrom(...TEXTS)),
    city: maybe(fc.constantFrom(...TEXTS)),
    country: maybe(fc.constantFrom('DE', 'GR', 'de', '')),
    language: maybe(fc.constantFrom('de', 'el', 'en')),
    consent: fc.constantFrom<Row['consent']>('unknown', 'subscribed', 'unsubscribed'),
    custom: customValues,
    created_at: fc.constantFrom(...TIMESTAMPS),
    updated_at: fc.constantFrom(...TIMESTAMPS),
    groups: fc.subarray(GROUP_IDS, { maxLength: 3 }),
    tags: fc.subarray(catalog.tags as string[]),
    segments: fc.subarray([SEGMENT_FAIR, SEGMENT_OTHER]),
  });

const dataset: fc.Arbitrary<Row[]> = fc
  .integer({ min: 0, max: 12 })
  .chain((size) => fc.tuple(...Array.from({ length: size }, (_, index) => row(index))));

function facts(r: Row): ContactFacts {
  return {
    id: r.id,
    fields: {
      kind: r.kind,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      companyName: r.company_name,
      city: r.city,
      country: r.country,
      language: r.language,
      consent: r.consent,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    },
    custom: r.custom,
    memberships: r.groups.map((groupId) => ({ groupId, addedAt: r.created_at })),
    tags: r.tags.map((name) => ({ name })),
    segments: r.segments.map((segmentId) => ({ segmentId })),
  };
}

// ---- rules --------------------------------------------------------------------------

type FieldKind = 'text' | 'number' | 'date' | 'boolean' | 'enum';
const FIELDS: { name: string; kind: FieldKind; values?: string[] }[] = [
  { name: 'email', kind: 'text' },
  { name: 'firstName', kind: 'text' },
  { name: 'companyName', kind: 'text' },
  { name: 'city', kind: 'text' },
  { name: 'country', kind: 'text' },
  { name: 'phone', kind: 'text' },
  { name: 'kind', kind: 'enum', values: ['person', 'company'] },
  { name: 'consent', kind: 'enum', values: ['unknown', 'subscribed', 'unsubscribed'] },
  { name: 'createdAt', kind: 'date' },
  { name: 'updatedAt', kind: 'date' },
  { name: 'budget', kind: 'number' },
  { name: 'vip', kind: 'boolean' },
  { name: 'lastPurchase', kind: 'date' },
  { name: 'tier', kind: 'enum', values: ['gold', 'silver', 'bronze'] },
  { name: 'note', kind: 'text' },
];
const span = { offset: 0, length: 0 };
const LITERAL_TEXTS = [
  ...TEXTS,
  ...EMAILS,
  'erl',
  '@gmail.com',
  'GMAIL',
  'DE',
  'hello',
  'ell',
  '%',
  "'",
  'x%',
];
const DATES = ['2026-11-02', '2026-11-03', '2026-11-22', '2026-10-23', '2001-02-03', '2027-01-01'];

function literalFor(field: (typeof FIELDS)[number]): fc.Arbitrary<Literal> {
  switch (field.kind) {
    case 'text':
      return fc.constantFrom(...LITERAL_TEXTS).map((value) => ({ kind: 'string', value, span }));
    case 'number':
      return fc
        .constantFrom('1000', '999.5', '0', '-3', '500', '1000.000', '0.5', '-0')
        .map((value) => ({ kind: 'number', value, span }));
    case 'date':
      return fc.constantFrom(...DATES).map((value) => ({ kind: 'date', value, span }));
    case 'boolean':
      return fc.constantFrom('true', 'false').map((value) => ({ kind: 'word', value, span }));
    case 'enum':
      return fc.constantFrom(...field.values!).map((value) => ({ kind: 'string', value, span }));
  }
}

const anyField = fc.constantFrom(...FIELDS);
const ORDERED: FieldKind[] = ['text', 'number', 'date'];

const atom: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    kind: fc.constant('inGroup' as const),
    path: fc
      .constantFrom(...sampleGroups.map((group) => group.id))
      .map((groupId) => ({ segments: pathOf(groupId), span })),
    exactly: fc.boolean(),
    span: fc.constant(span),
  }),
  fc.constantFrom<Condition>(
    { kind: 'inSegment', name: 'Fair 2026', span },
    { kind: 'inSegment', name: 'Other', span },
    { kind: 'inSelection', name: 'greeks', span },
    { kind: 'inSelection', name: 'nested', span },
    { kind: 'inSelection', name: 'rich or tagged', span },
    { kind: 'tagged', tag: 'vip', span },
    { kind: 'tagged', tag: 'VIP', span },
    { kind: 'tagged', tag: 'hot', span },
    { kind: 'tagged', tag: 'ünï', span },
    { kind: 'consent', value: 'subscribed', span },
    { kind: 'consent', value: 'unsubscribed', span },
  ),
  anyField.chain((field) =>
    fc.record({
      kind: fc.constant('compare' as const),
      field: fc.constant({ name: field.name, span }),
      op: ORDERED.includes(field.kind)
        ? fc.constantFrom<CompareOp>('=', '!=', '<', '<=', '>', '>=')
        : fc.constantFrom<CompareOp>('=', '!='),
      value: literalFor(field),
      span: fc.constant(span),
    }),
  ),
  anyField.chain((field) =>
    fc.record({
      kind: fc.constant('oneOf' as const),
      field: fc.constant({ name: field.name, span }),
      values: fc.array(literalFor(field), { minLength: 1, maxLength: 3 }),
      negated: fc.boolean(),
      span: fc.constant(span),
    }),
  ),
  fc.constantFrom(...FIELDS.filter((f) => f.kind === 'text')).chain((field) =>
    fc.record({
      kind: fc.constant('text' as const),
      field: fc.constant({ name: field.name, span }),
      op: fc.constantFrom<'contains' | 'startsWith' | 'endsWith'>('contains', 'startsWith', 'endsWith'),
      value: fc.constantFrom(...LITERAL_TEXTS),
      span: fc.constant(span),
    }),
  ),
  fc.record({
    kind: fc.constant('isEmpty' as const),
    field: anyField.map((field) => ({ name: field.name, span })),
    negated: fc.boolean(),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('relativeDate' as const),
    field: fc.constantFrom('createdAt', 'updatedAt', 'lastPurchase').map((name) => ({ name, span })),
    op: fc.constantFrom<'withinLast' | 'moreThanAgo'>('withinLast', 'moreThanAgo'),
    duration: fc.record({
      amount: fc.constantFrom(0, 1, 7, 30, 90, 1000),
      unit: fc.constantFrom<'minutes' | 'hours' | 'days' | 'weeks'>('minutes', 'hours', 'days', 'weeks'),
    }),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('dateCompare' as const),
    field: fc.constantFrom('createdAt', 'updatedAt', 'lastPurchase').map((name) => ({ name, span })),
    op: fc.constantFrom<'before' | 'after'>('before', 'after'),
    date: fc.constantFrom(...DATES),
    span: fc.constant(span),
  }),
);

const condition: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
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

/** Rule text of a generated condition, as someone would save it. */
const ruleText = condition.map((c) =>
  print({ statements: [{ kind: 'selection', name: 'generated', nameSpan: span, condition: c, span }] }),
);

function pathOf(groupId: string): string[] {
  const path: string[] = [];
  let current = sampleGroups.find((group) => group.id === groupId);
  while (current) {
    path.unshift(current.name);
    current = sampleGroups.find((group) => group.id === current!.parentId);
  }
  return path;
}

// ---- PostgreSQL ---------------------------------------------------------------------

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: testDatabaseUrl(), application_name: 'selections-property' });
  await client.connect();
  await client.query(`CREATE SCHEMA ${SCHEMA}`);
  for (const table of TABLES) {
    await client.query(
      `CREATE TABLE ${SCHEMA}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
  }
  await client.query(`SET search_path TO ${SCHEMA}, public`);
  await client.query(`INSERT INTO tags (id, name) SELECT gen_random_uuid(), unnest($1::text[])`, [
    catalog.tags,
  ]);
});

afterAll(async () => {
  await client.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await client.end();
});

async function load(rows: Row[]): Promise<void> {
  await client.query('TRUNCATE contacts, group_memberships, contact_tags, segment_members');
  if (rows.length === 0) return;
  const contacts = rows.map(({ groups: _g, tags: _t, segments: _s, ...contact }) => contact);
  await client.query(
    'INSERT INTO contacts SELECT * FROM jsonb_populate_recordset(null::contacts, $1::jsonb)',
    [JSON.stringify(contacts)],
  );
  const pairs = (pick: (r: Row) => string[]) =>
    rows.flatMap((r) => pick(r).map((value) => [r.id, value] as const));
  const memberships = pairs((r) => r.groups);
  await client.query(
    `INSERT INTO group_memberships (contact_id, group_id, added_by, source)
     SELECT unnest($1::uuid[]), unnest($2::uuid[]), 'property', 'api'`,
    [memberships.map((p) => p[0]), memberships.map((p) => p[1])],
  );
  const tagged = pairs((r) => r.tags);
  await client.query(
    `INSERT INTO contact_tags (contact_id, tag_id, tagged_by)
     SELECT p.contact_id, t.id, 'property' FROM unnest($1::uuid[], $2::text[]) AS p(contact_id, name)
     JOIN tags t ON t.name = p.name`,
    [tagged.map((p) => p[0]), tagged.map((p) => p[1])],
  );
  const segmented = pairs((r) => r.segments);
  await client.query(
    `INSERT INTO segment_members (contact_id, segment_id) SELECT unnest($1::uuid[]), unnest($2::uuid[])`,
    [segmented.map((p) => p[0]), segmented.map((p) => p[1])],
  );
}

describe('compiled selections on PostgreSQL agree with the reference evaluator', () => {
  it('on random rules over random small data sets', async () => {
    // Rules that picked some but not all contacts: the comparisons that say the most.
    let rulesRun = 0;
    let discriminating = 0;
    await fc.assert(
      fc.asyncProperty(dataset, fc.array(ruleText, { minLength: 1, maxLength: 8 }), async (rows, texts) => {
        await load(rows);
        const contacts = rows.map(facts);
        for (const text of texts) {
          const result = checkText(text, catalog);
          expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          const checked = result.checked!.selections[0]!.condition;
          const compiled = compileSelection(checked, { now: NOW });
          const { rows: found } = await client.query<{ id: string }>(compiled.sql, compiled.params);
          const expected = select(checked, contacts, { now: NOW }).sort();
          expect({ text, ids: found.map((r) => r.id).sort() }).toEqual({ text, ids: expected });
          const { rows: counted } = await client.query<{ count: number }>(compiled.countSql, compiled.params);
          expect(counted[0]!.count).toBe(expected.length);
          rulesRun++;
          if (expected.length > 0 && expected.length < rows.length) discriminating++;
        }
      }),
      { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 250) },
    );
    expect(rulesRun).toBeGreaterThan(250);
    expect(discriminating / rulesRun).toBeGreaterThan(0.25);
  });
});
