import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  expectError,
  newField,
  newPerson,
  openTestApi,
  type TestApi,
  timelineOf,
  unique,
} from './contacts/crm-factories.js';

describe('custom field schema', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const key = () => unique('field').replace('-', '_');

  it('defines, reads, relabels and lists fields', async () => {
    const field = await newField(api, 'enum', ['sea', 'mountains']);
    expect(field).toMatchObject({ type: 'enum', options: ['sea', 'mountains'] });
    const relabelled = await api.call('PATCH', `/v1/fields/${field.key}`, {
      label: 'Holiday type',
      options: ['sea', 'mountains', 'city'],
    });
    expect(relabelled.json()).toMatchObject({ label: 'Holiday type', options: ['sea', 'mountains', 'city'] });
    expect((await api.call('GET', `/v1/fields/${field.key}`)).json().label).toBe('Holiday type');

    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { key: string }[]; nextCursor: string | null } = (
        await api.call('GET', `/v1/fields?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      keys.push(...page.items.map((item) => item.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(keys).toContain(field.key);
    expect(keys).toEqual([...keys].sort());
  });

  it('refuses a taken key with 409 FIELD_KEY_TAKEN', async () => {
    const field = await newField(api, 'text');
    const response = await api.call('POST', '/v1/fields', { key: field.key, label: 'Again', type: 'number' });
    expectError(response, 409, 'FIELD_KEY_TAKEN');
  });

  it('refuses inconsistent definitions with 400 FIELD_DEFINITION_INVALID', async () => {
    const noOptions = await api.call('POST', '/v1/fields', { key: key(), label: 'E', type: 'enum' });
    expect(expectError(noOptions, 400, 'FIELD_DEFINITION_INVALID').details.field).toBe('options');
    const textOptions = await api.call('POST', '/v1/fields', {
      key: key(),
      label: 'T',
      type: 'text',
      options: ['a'],
    });
    expectError(textOptions, 400, 'FIELD_DEFINITION_INVALID');
    const duplicates = await api.call('POST', '/v1/fields', {
      key: key(),
      label: 'E',
      type: 'enum',
      options: ['a', 'a'],
    });
    expectError(duplicates, 400, 'FIELD_DEFINITION_INVALID');
  });

  it('refuses bad keys and types at the edge', async () => {
    const response = await api.call('POST', '/v1/fields', { key: 'Bad Key', label: 'x', type: 'colour' });
    const fields = expectError(response, 400, 'VALIDATION_FAILED').details.fields as { field: string }[];
    expect(new Set(fields.map((entry) => entry.field))).toEqual(new Set(['key', 'type']));
  });

  it('keeps the type fixed', async () => {
    const field = await newField(api, 'text');
    const response = await api.call('PATCH', `/v1/fields/${field.key}`, { type: 'number' });
    expectError(response, 400, 'VALIDATION_FAILED');
  });

  it('refuses to drop an enum option that contacts still hold', async () => {
    const field = await newField(api, 'enum', ['sea', 'mountains']);
    await newPerson(api, { custom: { [field.key]: 'sea' } });
    const response = await api.call('PATCH', `/v1/fields/${field.key}`, { options: ['mountains'] });
    expect(expectError(response, 400, 'FIELD_DEFINITION_INVALID').details).toMatchObject({ inUse: ['sea'] });
    const unused = await api.call('PATCH', `/v1/fields/${field.key}`, { options: ['sea'] });
    expect(unused.json().options).toEqual(['sea']);
  });

  it('deleting a field removes its values, each with a contact.updated event', async () => {
    const field = await newField(api, 'number');
    const person = await newPerson(api, { custom: { [field.key]: 7 } });
    expect((await api.call('DELETE', `/v1/fields/${field.key}`)).statusCode).toBe(204);
    expect((await api.call('GET', `/v1/contacts/${person.id}`)).json().custom).toEqual({});
    const [latest] = await timelineOf(api, person.id);
    expect(latest).toMatchObject({
      type: 'contact.updated',
      payload: { changes: { [`custom.${field.key}`]: { from: 7, to: null } } },
    });
    expectError(await api.call('GET', `/v1/fields/${field.key}`), 404, 'FIELD_NOT_FOUND');
    expectError(await api.call('DELETE', `/v1/fields/${field.key}`), 404, 'FIELD_NOT_FOUND');
    const write = await api.call('PATCH', `/v1/contacts/${person.id}`, { custom: { [field.key]: 8 } });
    expectError(write, 400, 'CONTACT_FIELD_UNKNOWN');
  });

  it('answers 401 without an API key and 400 for a bad cursor', async () => {
    expectError(await api.call('GET', '/v1/fields', undefined, {}), 401, 'UNAUTHORIZED');
    expectError(await api.call('GET', '/v1/fields?cursor=%%%'), 400, 'CURSOR_INVALID');
  });
});
