import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  expectError,
  type GroupRef,
  newGroup,
  newGroupChain,
  newPerson,
  openTestApi,
  type TestApi,
  timelineOf,
} from './contacts/crm-factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('group memberships', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const add = (contactId: string, group: GroupRef) =>
    api.call('PUT', `/v1/contacts/${contactId}/groups/${group.id}`);
  const remove = (contactId: string, group: GroupRef) =>
    api.call('DELETE', `/v1/contacts/${contactId}/groups/${group.id}`);
  const membershipEvents = async (contactId: string) =>
    (await timelineOf(api, contactId))
      .filter((event) => event.type.endsWith('_group'))
      .reverse()
      .map(
        (event) => ({ type: event.type, ...event.payload }) as { type: string; subtreesChanged?: string[] },
      );

  it('adds a contact to a group, recording when, by whom and from where', async () => {
    const [start, greece] = await newGroupChain(api, 'Start', 'Greece');
    const person = await newPerson(api);
    const response = await add(person.id, greece!);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ changed: true });

    const memberships = (await api.call('GET', `/v1/contacts/${person.id}/groups`)).json().items;
    expect(memberships).toEqual([
      {
        groupId: greece!.id,
        groupPath: [start!.name, 'Greece'],
        addedAt: expect.stringMatching(/Z$/),
        addedBy: 'admin',
        source: 'api',
      },
    ]);
    const [event] = await timelineOf(api, person.id);
    expect(event).toMatchObject({
      type: 'contact.added_to_group',
      actor: 'admin',
      payload: {
        groupId: greece!.id,
        groupPath: [start!.name, 'Greece'],
        source: 'api',
        subtreesChanged: [greece!.id, start!.id],
      },
    });
  });

  it('treats adding an existing member as a no-op with exactly one event', async () => {
    const [start] = await newGroupChain(api, 'Start');
    const person = await newPerson(api);
    expect((await add(person.id, start!)).json()).toEqual({ changed: true });
    expect((await add(person.id, start!)).json()).toEqual({ changed: false });
    expect((await add(person.id, start!)).json()).toEqual({ changed: false });
    expect(await membershipEvents(person.id)).toHaveLength(1);
  });

  it('adding to Start/Greece/Crete when already in Start/Greece enters only Crete', async () => {
    const [, greece, crete] = await newGroupChain(api, 'Start', 'Greece', 'Crete');
    const person = await newPerson(api);
    await add(person.id, greece!);
    await add(person.id, crete!);
    const events = await membershipEvents(person.id);
    expect(events[1]).toMatchObject({ type: 'contact.added_to_group', subtreesChanged: [crete!.id] });
  });

  it('moving between two subgroups of X neither enters nor leaves X', async () => {
    const [x, a] = await newGroupChain(api, 'X', 'A');
    const b = await newGroup(api, { name: 'B', parent: x });
    const person = await newPerson(api);
    await add(person.id, a!);
    await add(person.id, b);
    await remove(person.id, a!);
    await remove(person.id, b);
    expect(await membershipEvents(person.id)).toEqual([
      expect.objectContaining({ type: 'contact.added_to_group', subtreesChanged: [a!.id, x!.id] }),
      expect.objectContaining({ type: 'contact.added_to_group', subtreesChanged: [b.id] }),
      expect.objectContaining({ type: 'contact.removed_from_group', subtreesChanged: [a!.id] }),
      expect.objectContaining({ type: 'contact.removed_from_group', subtreesChanged: [b.id, x!.id] }),
    ]);
  });

  it('a direct membership in X while in X/A enters nothing new', async () => {
    const [x, a] = await newGroupChain(api, 'X', 'A');
    const person = await newPerson(api);
    await add(person.id, a!);
    await add(person.id, x!);
    const events = await membershipEvents(person.id);
    expect(events[1]).toMatchObject({ groupId: x!.id, subtreesChanged: [] });
  });

  it('serializes concurrent adds of one contact so exactly one of them enters the shared parent', async () => {
    const x = (await newGroupChain(api, 'X'))[0]!;
    const children = await Promise.all(
      ['A', 'B', 'C', 'D'].map((name) => newGroup(api, { name, parent: x })),
    );
    const person = await newPerson(api);
    const responses = await Promise.all(children.map((child) => add(person.id, child)));
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200]);
    const events = await membershipEvents(person.id);
    expect(events).toHaveLength(4);
    expect(events.filter((event) => event.subtreesChanged!.includes(x.id))).toHaveLength(1);
    expect(events[0]!.subtreesChanged).toContain(x.id);
  });

  it('treats removing a non-member as a no-op without an event', async () => {
    const [start] = await newGroupChain(api, 'Start');
    const person = await newPerson(api);
    expect((await remove(person.id, start!)).json()).toEqual({ changed: false });
    expect(await membershipEvents(person.id)).toEqual([]);
  });

  it('answers 404 for an unknown contact or group and 400 for malformed ids', async () => {
    const [start] = await newGroupChain(api, 'Start');
    const person = await newPerson(api);
    expectError(await add(UNKNOWN_ID, start!), 404, 'CONTACT_NOT_FOUND');
    expectError(await add(person.id, { id: UNKNOWN_ID, name: '?' }), 404, 'GROUP_NOT_FOUND');
    expectError(await remove(person.id, { id: UNKNOWN_ID, name: '?' }), 404, 'GROUP_NOT_FOUND');
    expectError(await api.call('GET', `/v1/contacts/${UNKNOWN_ID}/groups`), 404, 'CONTACT_NOT_FOUND');
    const malformed = expectError(
      await api.call('PUT', `/v1/contacts/${person.id}/groups/not-a-uuid`),
      400,
      'VALIDATION_FAILED',
    );
    expect(malformed.details.fields).toEqual([{ field: 'groupId', problem: 'groupId must be a UUID' }]);
  });

  it('answers 401 without an API key', async () => {
    const [start] = await newGroupChain(api, 'Start');
    const person = await newPerson(api);
    expectError(
      await api.call('PUT', `/v1/contacts/${person.id}/groups/${start!.id}`, undefined, {}),
      401,
      'UNAUTHORIZED',
    );
  });
});
