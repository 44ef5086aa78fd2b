import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

  it('refuses selection targets by name, as not supported yet', async () => {
    const response = await bulk({ action: 'delete', target: { selection: { rule: 'country = "DE"' } } });
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(error.details.fields).toEqual([
      { field: 'target.selection', problem: 'selection targets are not supported yet; pass target.ids' },
    ]);
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

  it('answers 401 without an API key', async () => {
    expectError(
      await api.call('POST', '/v1/contacts/bulk', { action: 'delete', target: { ids: [UNKNOWN_ID] } }, {}),
      401,
      'UNAUTHORIZED',
    );
  });
});
