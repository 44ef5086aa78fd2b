import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { testDatabaseUrl } from '../support/test-env.js';
import {
  expectError,
  newGroupChain,
  newPerson,
  openTestApi,
  type TestApi,
  timelineOf,
  uniqueEmail,
} from './contacts/crm-factories.js';

describe('contact timeline', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  it('lists every change newest first, in pages', async () => {
    const [start] = await newGroupChain(api, 'Start');
    const person = await newPerson(api, { firstName: 'Tim' });
    for (let index = 0; index < 11; index++) {
      await api.call('PATCH', `/v1/contacts/${person.id}`, { city: `City ${index}` });
    }
    await api.call('PUT', `/v1/contacts/${person.id}/groups/${start!.id}`);
    await api.call('PUT', `/v1/contacts/${person.id}/tags/timeline`);

    const first = (await api.call('GET', `/v1/contacts/${person.id}/timeline?limit=5`)).json();
    expect(first.items.map((event: { type: string }) => event.type).slice(0, 3)).toEqual([
      'contact.tagged',
      'contact.added_to_group',
      'contact.updated',
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await timelineOf(api, person.id);
    expect(all).toHaveLength(14);
    expect(all.slice(0, 5)).toEqual(first.items);
    const seqs = all.map((event) => BigInt(event.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a > b ? -1 : 1)));
    expect(all.at(-1)).toMatchObject({
      type: 'contact.created',
      actor: 'admin',
      payload: { kind: 'person', fields: { firstName: 'Tim', email: person.email, consent: 'unknown' } },
    });
    expect(all[2]!.payload).toEqual({ changes: { city: { from: 'City 9', to: 'City 10' } } });
  });

  it('writes a change and its event in one transaction: a failed change leaves neither', async () => {
    const taken = await newPerson(api);
    const person = await newPerson(api, { firstName: 'Kept' });
    const failures = [
      api.call('PATCH', `/v1/contacts/${person.id}`, { firstName: 'Lost', email: taken.email }),
      api.call('PATCH', `/v1/contacts/${person.id}`, { firstName: 'Lost', custom: { unknown_key: 1 } }),
      api.call('POST', '/v1/contacts/upsert', {
        email: person.email,
        firstName: 'Lost',
        groups: ['No/Such/Path'],
      }),
    ];
    for (const response of await Promise.all(failures))
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect((await api.call('GET', `/v1/contacts/${person.id}`)).json().firstName).toBe('Kept');
    expect((await timelineOf(api, person.id)).map((event) => event.type)).toEqual(['contact.created']);
  });

  it('commits no contact and no event when an upsert fails after writing its contact row', async () => {
    const email = uniqueEmail('rolled-back');
    // The tag fails after the contact row was inserted inside the transaction.
    const response = await api.call('POST', '/v1/contacts/upsert', { email, tags: ['ok', 'x'.repeat(101)] });
    expect(response.statusCode).toBe(400);
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const contacts = await client.query('SELECT id FROM contacts WHERE lower(email) = lower($1)', [email]);
      expect(contacts.rows).toEqual([]);
      const events = await client.query(`SELECT seq FROM domain_events WHERE payload::text LIKE $1`, [
        `%${email}%`,
      ]);
      expect(events.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('refuses a bad cursor and answers 404 for a contact that never existed', async () => {
    const person = await newPerson(api);
    expectError(
      await api.call('GET', `/v1/contacts/${person.id}/timeline?cursor=abc`),
      400,
      'CURSOR_INVALID',
    );
    const forged = Buffer.from(JSON.stringify({ l: 'timeline', k: ['1; drop'] })).toString('base64url');
    expectError(
      await api.call('GET', `/v1/contacts/${person.id}/timeline?cursor=${forged}`),
      400,
      'CURSOR_INVALID',
    );
    expectError(
      await api.call('GET', '/v1/contacts/00000000-0000-4000-8000-000000000000/timeline'),
      404,
      'CONTACT_NOT_FOUND',
    );
    expectError(await api.call('GET', '/v1/contacts/x/timeline'), 400, 'VALIDATION_FAILED');
  });
});
