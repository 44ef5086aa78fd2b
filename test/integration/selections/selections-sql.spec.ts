import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EntityManager } from 'typeorm';
import {
  RuleError,
  SelectionQueryService,
  selectionTarget,
  type SelectionTarget,
} from '../../../libs/domain/src/index.js';
import {
  addToGroup,
  type Api,
  expectStatus,
  newGroup,
  newPerson,
  openApi,
  q,
  saveSelection,
  tag,
  unique,
} from './selection-factories.js';

let api: Api;
let queries: SelectionQueryService;

beforeAll(async () => {
  api = await openApi();
  queries = api.app.get(SelectionQueryService);
});

afterAll(async () => {
  await api.app.close();
});

async function collect(chunks: AsyncIterable<string[]>): Promise<string[][]> {
  const all: string[][] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe('compiled selections on PostgreSQL', () => {
  it('send no value from a rule as SQL text: every literal reaches PostgreSQL as a parameter', async () => {
    // Distinct, hostile values: quotes, a statement terminator, a comment, and a marker to search for.
    const marker = randomUUID().replaceAll('-', '');
    const hostile = `x'); DROP TABLE contacts; -- ${marker}`;
    const fieldKey = `note_${marker.slice(0, 12)}`;
    const budgetKey = `budget_${marker.slice(0, 12)}`;
    await expectStatus(api.call('POST', '/v1/fields', { key: fieldKey, label: 'Note', type: 'text' }), 201);
    await expectStatus(
      api.call('POST', '/v1/fields', { key: budgetKey, label: 'Budget', type: 'number' }),
      201,
    );
    const root = await newGroup(api, `Root '${marker}`);
    const child = await newGroup(api, `Child "${marker}" \\`, root);
    const segment = await expectStatus<{ id: string }>(
      api.call('POST', '/v1/segments', { name: `Segment '${marker}` }),
      201,
    );
    const person = await newPerson(api, {
      email: `anna.${marker}@Example.com`,
      city: hostile,
      custom: { [fieldKey]: `note ${marker}`, [budgetKey]: 987654.321 },
    });
    await addToGroup(api, person, child);
    await tag(api, person, `Tag ${marker}`);
    await expectStatus(
      api.call('POST', `/v1/segments/${segment.id}/members`, { contactIds: [person.id] }),
      200,
    );

    const literals = [
      marker,
      hostile,
      fieldKey,
      budgetKey,
      '987654.321',
      '2031-07-15',
      '1234567',
      'DROP TABLE',
      'Example.com',
      'example.com',
    ];
    const source =
      `selection ${q(`Hostile ${marker}`)} =\n` +
      `  in ${q(`Root '${marker}`)}/${q(`Child "${marker}" \\`)}\n` +
      `  and city = ${q(hostile)}\n` +
      `  and email ends with ${q(`.${marker}@example.com`)}\n` +
      `  and ${fieldKey} contains ${q(marker)}\n` +
      `  and ${budgetKey} >= 987654.321\n` +
      `  and tagged ${q(`TAG ${marker}`)}\n` +
      `  and in segment ${q(`Segment '${marker}`)}\n` +
      `  and createdAt within last 1234567 minutes\n` +
      `  and not createdAt > 2031-07-15\n` +
      `  and city one of (${q(hostile)}, "Berlin")`;

    // Every statement the API sends to PostgreSQL while saving, running and explaining the rule.
    const spy = jest.spyOn(EntityManager.prototype, 'query');
    let sent: string[] = [];
    try {
      const saved = await saveSelection(api, source);
      const evaluation = await expectStatus<{ count: number; contacts: { id: string }[] }>(
        api.call('POST', '/v1/selections/evaluate', { source }),
        200,
      );
      expect(evaluation).toMatchObject({ count: 1, contacts: [{ id: person.id }] });
      const page = await expectStatus<{ items: { id: string }[] }>(
        api.call('GET', `/v1/selections/${saved.id}/contacts`),
        200,
      );
      expect(page.items.map((item) => item.id)).toEqual([person.id]);
      const explained = await expectStatus<{ matches: boolean }>(
        api.call('POST', '/v1/selections/explain', { selectionId: saved.id, contactId: person.id }),
        200,
      );
      expect(explained.matches).toBe(true);
      expect(await collect(await queries.resolveSelectionContactIds({ selectionId: saved.id }))).toEqual([
        [person.id],
      ]);
    } finally {
      sent = spy.mock.calls.map((call) => String(call[0]));
      spy.mockRestore();
    }

    // The rule's tag is required, so the compiled queries join it: FROM contacts c JOIN ... WHERE.
    const compiled = sent.filter((sql) => /FROM contacts c JOIN contact_tags .* WHERE/s.test(sql));
    expect(compiled.length).toBeGreaterThanOrEqual(4);
    for (const sql of sent) {
      expect({ sql, literals: literals.filter((literal) => sql.includes(literal)) }).toEqual({
        sql,
        literals: [],
      });
    }
  });
});

describe('SelectionQueryService.resolveSelectionContactIds (for bulk actions)', () => {
  async function groupWithPeople(
    count: number,
    fields: (index: number) => Record<string, unknown> = () => ({}),
  ) {
    const group = await newGroup(api, unique('Bulk'));
    const people = [];
    for (let index = 0; index < count; index++) {
      const person = await newPerson(api, fields(index));
      await addToGroup(api, person, group);
      people.push(person);
    }
    return { group, ids: people.map((person) => person.id).sort() };
  }

  it('yields every matching id once, in id order, in chunks of the asked size', async () => {
    const { group, ids } = await groupWithPeople(7);
    const target: SelectionTarget = { source: `selection "bulk" = in ${group.name}` };
    const chunks = await collect(await queries.resolveSelectionContactIds(target, { chunkSize: 3 }));
    expect(chunks.map((chunk) => chunk.length)).toEqual([3, 3, 1]);
    expect(chunks.flat()).toEqual(ids);
  });

  it('checks the rule before it returns, so a bad target fails before any chunk is worked on', async () => {
    await expect(
      queries.resolveSelectionContactIds({ source: 'selection "x" = in No/Such/Group' }),
    ).rejects.toEqual(
      expect.objectContaining({
        code: 'RULE_INVALID',
        details: { diagnostics: [expect.objectContaining({ code: 'unknown-group' })] },
      }),
    );
    await expect(
      queries.resolveSelectionContactIds({ selectionId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toEqual(expect.objectContaining({ code: 'SELECTION_NOT_FOUND' }));
    const error = await queries.resolveSelectionContactIds({ source: 'selection' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleError);
  });

  it('reads the { selection } of a request as a saved selection id or as rule text', async () => {
    const { group, ids } = await groupWithPeople(2);
    const saved = await saveSelection(api, `selection ${q(unique('Bulk'))} = in ${group.name}`);
    expect(selectionTarget(saved.id)).toEqual({ selectionId: saved.id });
    expect(selectionTarget(`selection "x" = in ${group.name}`)).toEqual({
      source: `selection "x" = in ${group.name}`,
    });
    expect(
      (await collect(await queries.resolveSelectionContactIds(selectionTarget(saved.id)))).flat(),
    ).toEqual(ids);
  });

  it('keeps every query to the access scope when one is given', async () => {
    const city = unique('Scope city');
    const { group, ids } = await groupWithPeople(4, (index) => (index % 2 ? { city } : {}));
    const target: SelectionTarget = { source: `selection "scoped" = in ${group.name}` };
    const scope = { sql: 'c.city = $1', params: [city] };
    const inScope = (
      await api.app.get(SelectionQueryService).evaluate(target, { limit: 10 }, { scope })
    ).contacts.map((contact) => contact.id);
    expect(inScope).toHaveLength(2);
    expect(ids).toEqual(expect.arrayContaining(inScope));
    expect((await collect(await queries.resolveSelectionContactIds(target, { scope }))).flat()).toEqual(
      inScope,
    );
    const outside = ids.find((id) => !inScope.includes(id))!;
    await expect(queries.explain(target, outside, { scope })).rejects.toEqual(
      expect.objectContaining({ code: 'CONTACT_NOT_FOUND' }),
    );
    expect((await queries.explain(target, inScope[0]!, { scope })).matches).toBe(true);
  });
});
