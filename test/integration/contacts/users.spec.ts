import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, openTestApi, type TestApi, unique, uniqueEmail } from './crm-factories.js';

describe('users', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  it('creates users and lists them by name in pages', async () => {
    const prefix = unique('Zed');
    const created = [];
    for (const name of ['b', 'a', 'c']) {
      const response = await api.call('POST', '/v1/users', {
        name: `${prefix} ${name}`,
        email: uniqueEmail('user'),
      });
      expect(response.statusCode).toBe(201);
      created.push(response.json());
    }
    expect(created[0]).toMatchObject({ name: `${prefix} b`, id: expect.any(String) });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { name: string }[]; nextCursor: string | null } = (
        await api.call('GET', `/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      names.push(...page.items.map((user) => user.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names.filter((name) => name.startsWith(prefix))).toEqual([
      `${prefix} a`,
      `${prefix} b`,
      `${prefix} c`,
    ]);
  });

  it('refuses a taken email ignoring case with 409 USER_EMAIL_TAKEN', async () => {
    const email = uniqueEmail('user');
    await api.call('POST', '/v1/users', { name: 'One', email });
    expectError(
      await api.call('POST', '/v1/users', { name: 'Two', email: email.toUpperCase() }),
      409,
      'USER_EMAIL_TAKEN',
    );
  });

  it('refuses bad input, bad cursors and missing keys', async () => {
    expectError(await api.call('POST', '/v1/users', { name: '', email: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await api.call('GET', '/v1/users?cursor=zzz'), 400, 'CURSOR_INVALID');
    expectError(await api.call('GET', '/v1/users', undefined, {}), 401, 'UNAUTHORIZED');
  });
});
