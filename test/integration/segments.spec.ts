import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  expectError,
  newPerson,
  openTestApi,
  type TestApi,
  timelineOf,
  unique,
} from './contacts/crm-factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('segments', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const newSegment = async (name = unique('Leads')) => {
    const response = await api.call('POST', '/v1/segments', { name, description: 'Trade fair' });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; name: string };
  };

  it('creates, reads, renames and lists segments', async () => {
    const segment = await newSegment();
    expect(segment).toMatchObject({ description: 'Trade fair', memberCount: 0 });
    const renamed = await api.call('PATCH', `/v1/segments/${segment.id}`, {
      name: `${segment.name} 2`,
      description: null,
    });
    expect(renamed.json()).toMatchObject({ name: `${segment.name} 2`, description: null });
    expect((await api.call('GET', `/v1/segments/${segment.id}`)).json().name).toBe(`${segment.name} 2`);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await api.call('GET', `/v1/segments?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toContain(segment.id);
  });

  it('refuses a taken name with 409 SEGMENT_NAME_TAKEN', async () => {
    const segment = await newSegment();
    expectError(await api.call('POST', '/v1/segments', { name: segment.name }), 409, 'SEGMENT_NAME_TAKEN');
    const other = await newSegment();
    const rename = await api.call('PATCH', `/v1/segments/${other.id}`, { name: segment.name });
    expectError(rename, 409, 'SEGMENT_NAME_TAKEN');
  });

  it('adds and removes members, reporting processed, unchanged and unknown contacts', async () => {
    const segment = await newSegment();
    const [a, b, c] = [await newPerson(api), await newPerson(api), await newPerson(api)];
    const first = await api.call('POST', `/v1/segments/${segment.id}/members`, { contactIds: [a.id, b.id] });
    expect(first.json()).toEqual({ processed: 2, unchanged: 0, notFound: [] });
    const second = await api.call('POST', `/v1/segments/${segment.id}/members`, {
      contactIds: [b.id, c.id, UNKNOWN_ID],
    });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ processed: 1, unchanged: 1, notFound: [UNKNOWN_ID] });

    const members: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { contact: { id: string } }[]; nextCursor: string | null } = (
        await api.call(
          'GET',
          `/v1/segments/${segment.id}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json();
      members.push(...page.items.map((item) => item.contact.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(members).toEqual([a.id, b.id, c.id].sort());

    const removed = await api.call('DELETE', `/v1/segments/${segment.id}/members`, {
      contactIds: [a.id, a.id],
    });
    expect(removed.json()).toEqual({ processed: 1, unchanged: 0, notFound: [] });
    expect((await api.call('GET', `/v1/segments/${segment.id}`)).json().memberCount).toBe(2);
    expect((await timelineOf(api, a.id)).map((event) => event.type)).toEqual([
      'contact.removed_from_segment',
      'contact.added_to_segment',
      'contact.created',
    ]);
  });

  it('deleting a segment takes every member out with an event', async () => {
    const segment = await newSegment();
    const person = await newPerson(api);
    await api.call('POST', `/v1/segments/${segment.id}/members`, { contactIds: [person.id] });
    expect((await api.call('DELETE', `/v1/segments/${segment.id}`)).statusCode).toBe(204);
    expectError(await api.call('GET', `/v1/segments/${segment.id}`), 404, 'SEGMENT_NOT_FOUND');
    const [latest] = await timelineOf(api, person.id);
    expect(latest).toMatchObject({
      type: 'contact.removed_from_segment',
      payload: { segmentId: segment.id, segment: segment.name },
    });
  });

  it('answers 404 for unknown segments and 400 for bad input', async () => {
    for (const [method, url, body] of [
      ['GET', `/v1/segments/${UNKNOWN_ID}`, undefined],
      ['PATCH', `/v1/segments/${UNKNOWN_ID}`, { name: 'x' }],
      ['DELETE', `/v1/segments/${UNKNOWN_ID}`, undefined],
      ['GET', `/v1/segments/${UNKNOWN_ID}/members`, undefined],
      ['POST', `/v1/segments/${UNKNOWN_ID}/members`, { contactIds: [UNKNOWN_ID] }],
    ] as const) {
      expectError(await api.call(method, url, body), 404, 'SEGMENT_NOT_FOUND');
    }
    expectError(await api.call('POST', '/v1/segments', { name: ' ' }), 400, 'VALIDATION_FAILED');
    const segment = await newSegment();
    expectError(
      await api.call('POST', `/v1/segments/${segment.id}/members`, { contactIds: ['nope'] }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await api.call('POST', `/v1/segments/${segment.id}/members`, { contactIds: [] }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await api.call('GET', `/v1/segments/${segment.id}/members?cursor=x`), 400, 'CURSOR_INVALID');
    expectError(await api.call('GET', '/v1/segments/not-a-uuid'), 400, 'VALIDATION_FAILED');
  });

  it('answers 401 without an API key', async () => {
    expectError(await api.call('GET', '/v1/segments', undefined, {}), 401, 'UNAUTHORIZED');
  });
});
