import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { BULK_CHUNK_SIZE, SelectionQueryService } from '../../libs/domain/src/index.js';
import {
  expectError,
  newGroupChain,
  newPerson,
  newUser,
  openTestApi,
  type TestApi,
  timelineOf,
  unique,
} from './contacts/crm-factories.js';
import { q } from './selections/selection-factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('bulk contact actions', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const bulk = (body: Record<string, unknown>) => api.call('POST', '/v1/contacts/bulk', body);
  const people = async (count: number) => Promise.all(Array.from({ length: count }, () => newPerson(api)));
  const fieldsOf = (error: { details: Record<string, unknown> }) =>
    new Set((error.details.fields as { field: string }[]).map((entry) => entry.field));

  it('adds to and removes from a group, reporting processed, unchanged and failed', async () => {
    const [start, greece] = await newGroupChain(api, 'Start', 'Greece');
    const [a, b, c] = await people(3);
    await api.call('PUT', `/v1/contacts/${a!.id}/groups/${greece!.id}`);

    const added = await bulk({
      action: 'addToGroup',
      target: { ids: [a!.id, b!.id, c!.id, b!.id, UNKNOWN_ID] },
      groupId: greece!.id,
    });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({
      processed: 2,
      unchanged: 1,
      failed: [{ id: UNKNOWN_ID, code: 'CONTACT_NOT_FOUND' }],
    });
    const [event] = await timelineOf(api, b!.id);
    expect(event).toMatchObject({
      type: 'contact.added_to_group',
      payload: { groupId: greece!.id, source: 'api', subtreesChanged: [greece!.id, start!.id] },
    });

    const removed = await bulk({
      action: 'removeFromGroup',
      target: { ids: [a!.id, b!.id] },
      groupId: greece!.id,
    });
    expect(removed.json()).toEqual({ processed: 2, unchanged: 0, failed: [] });
    const listed = (await api.call('GET', `/v1/contacts?groupId=${start!.id}`)).json().items;
    expect(listed.map((contact: { id: string }) => contact.id)).toEqual([c!.id]);
  });

  it('works through more contacts than one chunk', async () => {
    const [group] = await newGroupChain(api, 'Many');
    const real = await people(30);
    const unknown = Array.from({ length: 1200 }, () => randomUUID());
    const ids = [...unknown.slice(0, 600), ...real.map((person) => person.id), ...unknown.slice(600)];
    const response = await bulk({ action: 'addToGroup', target: { ids }, groupId: group!.id });
    const result = response.json();
    expect(result.processed).toBe(30);
    expect(result.unchanged).toBe(0);
    expect(result.failed).toHaveLength(1200);
    const page = (await api.call('GET', `/v1/contacts?groupId=${group!.id}&limit=100`)).json();
    expect(page.items).toHaveLength(30);
  });

  it('tags and untags', async () => {
    const [a, b] = await people(2);
    const tag = unique('Bulk');
    await api.call('PUT', `/v1/contacts/${a!.id}/tags/${tag}`);
    expect((await bulk({ action: 'tag', target: { ids: [a!.id, b!.id] }, tag })).json()).toEqual({
      processed: 1,
      unchanged: 1,
      failed: [],
    });
    expect(
      (await bulk({ action: 'untag', target: { ids: [a!.id, b!.id] }, tag: tag.toUpperCase() })).json(),
    ).toEqual({ processed: 2, unchanged: 0, failed: [] });
    expectError(
      await bulk({ action: 'untag', target: { ids: [a!.id] }, tag: unique('none') }),
      404,
      'TAG_NOT_FOUND',
    );
  });

  it('sets and clears the responsible user, each change with an event', async () => {
    const user = await newUser(api);
    const [a, b] = await people(2);
    await api.call('PATCH', `/v1/contacts/${a!.id}`, { responsibleUserId: user.id });
    const set = await bulk({
      action: 'setResponsibleUser',
      target: { ids: [a!.id, b!.id] },
      userId: user.id,
    });
    expect(set.json()).toEqual({ processed: 1, unchanged: 1, failed: [] });
    expect((await api.call('GET', `/v1/contacts/${b!.id}`)).json().responsibleUserId).toBe(user.id);
    const [event] = await timelineOf(api, b!.id);
    expect(event).toMatchObject({
      type: 'contact.updated',
      payload: { changes: { responsibleUserId: { from: null, to: user.id } } },
    });
    const cleared = await bulk({
      action: 'setResponsibleUser',
      target: { ids: [a!.id, b!.id] },
      userId: null,
    });
    expect(cleared.json()).toEqual({ processed: 2, unchanged: 0, failed: [] });
    expectError(
      await bulk({ action: 'setResponsibleUser', target: { ids: [a!.id] }, userId: UNKNOWN_ID }),
      422,
      'USER_NOT_FOUND',
    );
  });

  it('adds to a segment', async () => {
    const segment = (await api.call('POST', '/v1/segments', { name: unique('Bulk segment') })).json();
    const [a] = await people(1);
    const response = await bulk({
      action: 'addToSegment',
      target: { ids: [a!.id, UNKNOWN_ID] },
      segmentId: segment.id,
    });
    expect(response.json()).toEqual({
      processed: 1,
      unchanged: 0,
      failed: [{ id: UNKNOWN_ID, code: 'CONTACT_NOT_FOUND' }],
    });
    expectError(
      await bulk({ action: 'addToSegment', target: { ids: [a!.id] }, segmentId: UNKNOWN_ID }),
      404,
      'SEGMENT_NOT_FOUND',
    );
  });

  it('erases contacts, leaving tombstones', async () => {
    const [a, b] = await people(2);
    const response = await bulk({ action: 'delete', target: { ids: [a!.id, b!.id, UNKNOWN_ID] } });
    expect(response.json()).toEqual({
      processed: 2,
      unchanged: 0,
      failed: [{ id: UNKNOWN_ID, code: 'CONTACT_NOT_FOUND' }],
    });
    for (const person of [a!, b!]) {
      expect((await timelineOf(api, person.id)).map((event) => event.type)).toEqual(['contact.deleted']);
    }
  });

  it('writes nothing when the group does not exist', async () => {
    const [a] = await people(1);
    expectError(
      await bulk({ action: 'addToGroup', target: { ids: [a!.id] }, groupId: UNKNOWN_ID }),
      404,
      'GROUP_NOT_FOUND',
    );
    expect(await timelineOf(api, a!.id)).toHaveLength(1);
  });

  it('checks that each action gets exactly its parameter', async () => {
    const [a] = await people(1);
    const ids = [a!.id];
    expect(
      fieldsOf(expectError(await bulk({ action: 'addToGroup', target: { ids } }), 400, 'VALIDATION_FAILED')),
    ).toEqual(new Set(['groupId']));
    const extra = await bulk({ action: 'delete', target: { ids }, tag: 'x', groupId: UNKNOWN_ID });
    expect(fieldsOf(expectError(extra, 400, 'VALIDATION_FAILED'))).toEqual(new Set(['tag', 'groupId']));
    const wrong = await bulk({ action: 'explode', target: { ids: ['nope'], more: 1 }, groupId: 'x' });
    expect(fieldsOf(expectError(wrong, 400, 'VALIDATION_FAILED'))).toEqual(
      new Set(['action', 'target.ids', 'target.more']),
    );
    expect(
      fieldsOf(expectError(await bulk({ action: 'delete', target: { ids: [] } }), 400, 'VALIDATION_FAILED')),
    ).toEqual(new Set(['target.ids']));
    expect(fieldsOf(expectError(await bulk({ action: 'delete' }), 400, 'VALIDATION_FAILED'))).toEqual(
      new Set(['target']),
    );
  });

  describe('on a selection', () => {
    const tagsOf = async (id: string) =>
      ((await api.call('GET', `/v1/contacts/${id}/tags`)).json().items as { name: string }[]).map(
        (item) => item.name,
      );
    const idsIn = async (groupId: string) =>
      ((await api.call('GET', `/v1/contacts?groupId=${groupId}&limit=100`)).json().items as { id: string }[])
        .map((contact) => contact.id)
        .sort();
    const count = async (source: string) =>
      (await api.call('POST', '/v1/selections/evaluate', { source })).json().count as number;
    const personIn = async (group: { id: string }) => {
      const person = await newPerson(api);
      expect((await api.call('PUT', `/v1/contacts/${person.id}/groups/${group.id}`)).statusCode).toBe(200);
      return person;
    };
    const saveSelection = async (source: string): Promise<{ id: string }> => {
      const response = await api.call('POST', '/v1/selections', { source });
      expect(response.statusCode).toBe(201);
      return response.json();
    };

    /** Records the size of every chunk bulk actions read from a selection, one list per action. */
    const watchChunks = () => {
      const queries = api.app.get(SelectionQueryService);
      const resolve = queries.resolveSelectionContactIds.bind(queries);
      const sizes: number[][] = [];
      jest.spyOn(queries, 'resolveSelectionContactIds').mockImplementation(async (target, options) => {
        const chunks = await resolve(target, options);
        const ofThisAction: number[] = [];
        sizes.push(ofThisAction);
        return {
          async *[Symbol.asyncIterator]() {
            for await (const chunk of chunks) {
              ofThisAction.push(chunk.length);
              yield chunk;
            }
          },
        };
      });
      return sizes;
    };

    it('tags everyone rule text selects, subgroups included, each with a timeline event', async () => {
      const [travel, greece, crete] = await newGroupChain(api, 'Travel', 'Greece', 'Crete');
      const [spain] = await newGroupChain(api, 'Spain');
      const inGreece = await personIn(greece!);
      const inCrete = await personIn(crete!);
      const elsewhere = await personIn(spain!);
      const tag = unique('Greece fans');
      const target = { selection: { source: `selection "fans" = in ${q(travel!.name)}/Greece` } };

      expect((await bulk({ action: 'tag', target, tag })).json()).toEqual({
        processed: 2,
        unchanged: 0,
        failed: [],
      });
      expect(await tagsOf(inGreece.id)).toEqual([tag]);
      expect(await tagsOf(inCrete.id)).toEqual([tag]);
      expect(await tagsOf(elsewhere.id)).toEqual([]);
      for (const person of [inGreece, inCrete]) {
        const [event] = await timelineOf(api, person.id);
        expect(event).toMatchObject({ type: 'contact.tagged', actor: 'admin', payload: { tag } });
      }
      // Running it again changes nothing and writes no event.
      expect((await bulk({ action: 'tag', target, tag })).json()).toEqual({
        processed: 0,
        unchanged: 2,
        failed: [],
      });
      expect(await timelineOf(api, inCrete.id)).toHaveLength(3);
    });

    it('acts on a saved selection by its id, as it reads when the action runs', async () => {
      const [travel, greece] = await newGroupChain(api, 'Travel', 'Greece');
      const [target] = await newGroupChain(api, 'Target');
      const early = await personIn(greece!);
      const saved = await saveSelection(`selection ${q(unique('Greece'))} = in ${q(travel!.name)}/Greece`);
      const late = await personIn(greece!);
      const response = await bulk({
        action: 'addToGroup',
        target: { selection: { selectionId: saved.id } },
        groupId: target!.id,
      });
      expect(response.json()).toEqual({ processed: 2, unchanged: 0, failed: [] });
      expect(await idsIn(target!.id)).toEqual([early.id, late.id].sort());
    });

    it('removes from the group the selection tests: each member once, none skipped', async () => {
      const [travel, greece, crete] = await newGroupChain(api, 'Travel', 'Greece', 'Crete');
      const direct = await Promise.all([1, 2, 3].map(() => personIn(greece!)));
      const below = await Promise.all([1, 2].map(() => personIn(crete!)));
      const source = `selection "greece" = in ${q(travel!.name)}/Greece`;
      const response = await bulk({
        action: 'removeFromGroup',
        target: { selection: { source } },
        groupId: greece!.id,
      });
      // Members of Crete only are in Greece's subtree, not in Greece itself: unchanged, and met once.
      expect(response.json()).toEqual({ processed: 3, unchanged: 2, failed: [] });
      for (const person of direct) {
        const removed = (await timelineOf(api, person.id)).filter(
          (event) => event.type === 'contact.removed_from_group',
        );
        expect(removed).toHaveLength(1);
      }
      expect(await idsIn(greece!.id)).toEqual(below.map((person) => person.id).sort());
      expect(await count(source)).toBe(2);
    });

    it('works through more matching contacts than one chunk, even when each chunk changes the match', async () => {
      const [group] = await newGroupChain(api, 'Chunked');
      const many = await people(BULK_CHUNK_SIZE + 20);
      const ids = many.map((person) => person.id);
      const tag = unique('Chunked');
      expect((await bulk({ action: 'tag', target: { ids }, tag })).json().processed).toBe(ids.length);
      const tagged = `selection "tagged" = tagged ${q(tag)}`;
      const inGroup = `selection "in group" = in ${q(group!.name)}`;
      const everyone = { processed: ids.length, unchanged: 0, failed: [] };
      const chunkSizes = watchChunks();
      try {
        // The selection stays the same while the action runs: a contact met twice would count as unchanged.
        const added = await bulk({
          action: 'addToGroup',
          target: { selection: { source: tagged } },
          groupId: group!.id,
        });
        expect(added.json()).toEqual(everyone);
        expect(await count(inGroup)).toBe(ids.length);

        // Each chunk takes its contacts out of the selection: paged by offset, the next chunk would skip some.
        const removed = await bulk({
          action: 'removeFromGroup',
          target: { selection: { source: inGroup } },
          groupId: group!.id,
        });
        expect(removed.json()).toEqual(everyone);
        expect(await count(inGroup)).toBe(0);

        // Each chunk deletes its contacts.
        const deleted = await bulk({ action: 'delete', target: { selection: { source: tagged } } });
        expect(deleted.json()).toEqual(everyone);
        expect(await count(tagged)).toBe(0);
      } finally {
        jest.restoreAllMocks();
      }
      expect(chunkSizes).toEqual([
        [BULK_CHUNK_SIZE, 20],
        [BULK_CHUNK_SIZE, 20],
        [BULK_CHUNK_SIZE, 20],
      ]);
      for (const id of [ids[0]!, ids.at(-1)!]) {
        expect((await timelineOf(api, id)).map((event) => event.type)).toEqual(['contact.deleted']);
      }
    });

    it('refuses rule text with errors with 400 RULE_INVALID and its diagnostics, writing nothing', async () => {
      const [travel, greece] = await newGroupChain(api, 'Travel', 'Greece');
      const person = await personIn(greece!);
      const source = `selection "x" = in ${q(travel!.name)}/Greece or in ${q(travel!.name)}/Atlantis`;
      const error = expectError(
        await bulk({ action: 'delete', target: { selection: { source } } }),
        400,
        'RULE_INVALID',
      );
      expect(error.details.diagnostics).toEqual([
        expect.objectContaining({ severity: 'error', line: 1, column: expect.any(Number) }),
      ]);
      expect((await api.call('GET', `/v1/contacts/${person.id}`)).statusCode).toBe(200);
      expect((await timelineOf(api, person.id)).map((event) => event.type)).toEqual([
        'contact.added_to_group',
        'contact.created',
      ]);
    });

    it('answers 404 SELECTION_NOT_FOUND for an unknown saved selection and 422 SELECTION_BROKEN for a broken one', async () => {
      expectError(
        await bulk({ action: 'delete', target: { selection: { selectionId: UNKNOWN_ID } } }),
        404,
        'SELECTION_NOT_FOUND',
      );
      const [root, fair] = await newGroupChain(api, 'Events', 'Fair');
      const person = await personIn(root!);
      const saved = await saveSelection(
        `selection ${q(unique('Fair'))} = in ${q(root!.name)}/Fair or in ${q(root!.name)}`,
      );
      expect((await api.call('DELETE', `/v1/groups/${fair!.id}`)).statusCode).toBe(200);
      expectError(
        await bulk({ action: 'delete', target: { selection: { selectionId: saved.id } } }),
        422,
        'SELECTION_BROKEN',
      );
      expect((await api.call('GET', `/v1/contacts/${person.id}`)).statusCode).toBe(200);
    });

    it("still checks the action's parameters when the selection matches nobody", async () => {
      const [empty] = await newGroupChain(api, 'Empty');
      const target = { selection: { source: `selection "nobody" = in ${q(empty!.name)}` } };
      expect((await bulk({ action: 'addToGroup', target, groupId: empty!.id })).json()).toEqual({
        processed: 0,
        unchanged: 0,
        failed: [],
      });
      expectError(await bulk({ action: 'addToGroup', target, groupId: UNKNOWN_ID }), 404, 'GROUP_NOT_FOUND');
      expectError(
        await bulk({ action: 'addToSegment', target, segmentId: UNKNOWN_ID }),
        404,
        'SEGMENT_NOT_FOUND',
      );
    });

    it('needs exactly one of ids and selection, and in it exactly one of source and selectionId', async () => {
      const source = 'selection "x" = subscribed';
      const problems = async (target: unknown) =>
        expectError(await bulk({ action: 'delete', target }), 400, 'VALIDATION_FAILED').details.fields as {
          field: string;
          problem: string;
        }[];
      expect(await problems({ ids: [UNKNOWN_ID], selection: { source } })).toEqual([
        { field: 'target.ids', problem: 'give exactly one of ids and selection' },
      ]);
      expect(await problems({})).toEqual(
        expect.arrayContaining([{ field: 'target.ids', problem: 'give exactly one of ids and selection' }]),
      );
      const oneOfSelection = {
        field: 'target.selection.source',
        problem: 'give exactly one of source and selectionId',
      };
      expect(await problems({ selection: { source, selectionId: UNKNOWN_ID } })).toEqual([oneOfSelection]);
      expect(await problems({ selection: {} })).toEqual(expect.arrayContaining([oneOfSelection]));
      expect(
        new Set((await problems({ selection: { rule: 'country = "DE"' } })).map((p) => p.field)),
      ).toEqual(new Set(['target.selection.rule', 'target.selection.source']));
      expect(new Set((await problems({ selection: source })).map((p) => p.field))).toEqual(
        new Set(['target.selection']),
      );
      expect(new Set((await problems({ selection: { selectionId: 'nope' } })).map((p) => p.field))).toEqual(
        new Set(['target.selection.selectionId']),
      );
    });

    it('is documented in OpenAPI: the selection target has the shape of POST /v1/selections/evaluate', async () => {
      const document = (await api.call('GET', '/openapi.json')).json();
      const target = document.components.schemas.BulkTargetDto.properties;
      expect(target.ids.description).toMatch(/or give selection/);
      expect(target.selection.description).toMatch(/source.*selectionId/);
      expect(JSON.stringify(target.selection)).toContain('#/components/schemas/SelectionTargetDto');
      const selection = document.components.schemas.SelectionTargetDto.properties;
      expect(Object.keys(selection).sort()).toEqual(['selectionId', 'source']);
    });
  });

  it('answers 401 without an API key', async () => {
    expectError(
      await api.call('POST', '/v1/contacts/bulk', { action: 'delete', target: { ids: [UNKNOWN_ID] } }, {}),
      401,
      'UNAUTHORIZED',
    );
  });
});
