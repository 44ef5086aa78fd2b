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

describe('tags', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const tagUrl = (contactId: string, name: string) =>
    `/v1/contacts/${contactId}/tags/${encodeURIComponent(name)}`;

  async function allTags(): Promise<{ id: string; name: string; contacts: number }[]> {
    const tags: { id: string; name: string; contacts: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: typeof tags; nextCursor: string | null } = (
        await api.call('GET', `/v1/tags?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      tags.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return tags;
  }

  it('tags a contact once, ignoring case, with one event', async () => {
    const person = await newPerson(api);
    const name = unique('Beach lover ☀');
    expect((await api.call('PUT', tagUrl(person.id, name))).json()).toEqual({ changed: true });
    expect((await api.call('PUT', tagUrl(person.id, name.toUpperCase()))).json()).toEqual({ changed: false });
    const tags = (await api.call('GET', `/v1/contacts/${person.id}/tags`)).json().items;
    expect(tags).toEqual([{ id: expect.any(String), name }]);
    const tagged = (await timelineOf(api, person.id)).filter((event) => event.type === 'contact.tagged');
    expect(tagged).toEqual([
      expect.objectContaining({ actor: 'admin', payload: { tagId: tags[0].id, tag: name } }),
    ]);
  });

  it('untags a contact; untagging again is a no-op', async () => {
    const person = await newPerson(api);
    const name = unique('Winter');
    await api.call('PUT', tagUrl(person.id, name));
    expect((await api.call('DELETE', tagUrl(person.id, name))).json()).toEqual({ changed: true });
    expect((await api.call('DELETE', tagUrl(person.id, name))).json()).toEqual({ changed: false });
    const types = (await timelineOf(api, person.id)).map((event) => event.type);
    expect(types).toEqual(['contact.untagged', 'contact.tagged', 'contact.created']);
  });

  it('counts contacts per tag for a tag cloud, paged by name', async () => {
    const name = unique('Cloud');
    const [a, b] = [await newPerson(api), await newPerson(api)];
    await api.call('PUT', tagUrl(a.id, name));
    await api.call('PUT', tagUrl(b.id, name));
    const tags = await allTags();
    expect(tags.find((tag) => tag.name === name)?.contacts).toBe(2);
    const names = tags.map((tag) => tag.name.toLowerCase());
    expect(names).toEqual([...new Set(names)]);
  });

  it('answers 404 TAG_NOT_FOUND when untagging with a tag that does not exist', async () => {
    const person = await newPerson(api);
    expectError(await api.call('DELETE', tagUrl(person.id, unique('never'))), 404, 'TAG_NOT_FOUND');
  });

  it('answers 404 for an unknown contact, 400 for a bad cursor and a blank tag', async () => {
    expectError(await api.call('PUT', tagUrl(UNKNOWN_ID, 'x')), 404, 'CONTACT_NOT_FOUND');
    expectError(await api.call('GET', `/v1/contacts/${UNKNOWN_ID}/tags`), 404, 'CONTACT_NOT_FOUND');
    expectError(await api.call('GET', '/v1/tags?cursor=nope'), 400, 'CURSOR_INVALID');
    const person = await newPerson(api);
    const blank = await api.call('PUT', tagUrl(person.id, '   '));
    expect(expectError(blank, 400, 'CONTACT_FIELD_INVALID').details.field).toBe('name');
    expectError(await api.call('PUT', tagUrl(person.id, 'x'.repeat(101))), 400, 'CONTACT_FIELD_INVALID');
  });

  it('accepts a tag of 100 characters that URL-encode to many bytes', async () => {
    const person = await newPerson(api);
    const name = `${unique('☀')}${'☀'.repeat(90)}`;
    expect(name).toHaveLength(100);
    expect((await api.call('PUT', tagUrl(person.id, name))).json()).toEqual({ changed: true });
  });

  it('answers 401 without an API key', async () => {
    expectError(await api.call('GET', '/v1/tags', undefined, {}), 401, 'UNAUTHORIZED');
  });
});
