import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BODY_LIMIT_BYTES } from '../../../apps/api/src/create-api-app.js';
import {
  expectError,
  newCompany,
  newField,
  newGroupChain,
  newPerson,
  newUser,
  openTestApi,
  type TestApi,
  timelineOf,
  unique,
  uniqueEmail,
} from './crm-factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('contacts', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  const fieldsOf = (error: { details: Record<string, unknown> }) =>
    (error.details.fields as { field: string }[]).map((entry) => entry.field);

  describe('create and read', () => {
    it('creates a person with normalized standard fields and reads it back', async () => {
      const email = uniqueEmail();
      const response = await api.call('POST', '/v1/contacts', {
        email,
        firstName: 'Anna',
        lastName: 'Papadopoulou',
        phone: '+30 210 1234567',
        street: 'Odos 1',
        postalCode: '10552',
        city: 'Athina',
        country: 'gr',
        language: 'el-gr',
        timeZone: 'europe/athens',
        consent: 'subscribed',
      });
      expect(response.statusCode).toBe(201);
      const person = response.json();
      expect(person).toMatchObject({
        kind: 'person',
        email,
        country: 'GR',
        language: 'el-GR',
        timeZone: 'Europe/Athens',
        consent: 'subscribed',
        custom: {},
      });
      const read = await api.call('GET', `/v1/contacts/${person.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(person);
    });

    it('defaults consent to unknown', async () => {
      expect((await newPerson(api)).consent).toBe('unknown');
    });

    it('creates a company without an email and a person belonging to it', async () => {
      const company = await newCompany(api);
      expect(company).toMatchObject({ kind: 'company', email: null });
      const person = await newPerson(api, { companyId: company.id });
      expect(person.companyId).toBe(company.id);
    });

    it('refuses a companyId that is not a company with 422 CONTACT_COMPANY_INVALID', async () => {
      const other = await newPerson(api);
      for (const companyId of [other.id, UNKNOWN_ID]) {
        const response = await api.call('POST', '/v1/contacts', { email: uniqueEmail(), companyId });
        expect(expectError(response, 422, 'CONTACT_COMPANY_INVALID').details.field).toBe('companyId');
      }
      const company = await newCompany(api);
      const nested = await api.call('POST', '/v1/contacts', { kind: 'company', companyId: company.id });
      expectError(nested, 422, 'CONTACT_COMPANY_INVALID');
    });

    it('refuses a person without an email with 400 CONTACT_EMAIL_REQUIRED', async () => {
      const response = await api.call('POST', '/v1/contacts', { firstName: 'Nobody' });
      expect(expectError(response, 400, 'CONTACT_EMAIL_REQUIRED').details.field).toBe('email');
    });

    it('refuses an invalid email with 400 VALIDATION_FAILED naming the field', async () => {
      const response = await api.call('POST', '/v1/contacts', { email: 'not-an-email' });
      expect(fieldsOf(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['email']);
    });

    it('refuses a taken email ignoring case with 409 CONTACT_EMAIL_TAKEN', async () => {
      const email = uniqueEmail('taken');
      await newPerson(api, { email });
      const response = await api.call('POST', '/v1/contacts', { email: email.toUpperCase() });
      expect(expectError(response, 409, 'CONTACT_EMAIL_TAKEN').details.field).toBe('email');
    });

    it('lets a company share an email with a person', async () => {
      const email = uniqueEmail('shared');
      await newPerson(api, { email });
      expect((await newCompany(api, { email })).email).toBe(email);
    });

    it('lists every bad standard field at once', async () => {
      const response = await api.call('POST', '/v1/contacts', {
        email: uniqueEmail(),
        country: 'XX',
        timeZone: 'Mars/Olympus_Mons',
        language: 'not a tag',
        phone: 'call me',
        consent: 'maybe',
        responsibleUserId: 'nope',
        colour: 'blue',
      });
      expect(new Set(fieldsOf(expectError(response, 400, 'VALIDATION_FAILED')))).toEqual(
        new Set(['country', 'timeZone', 'language', 'phone', 'consent', 'responsibleUserId', 'colour']),
      );
    });

    it('refuses an offset where an IANA time zone belongs', async () => {
      const response = await api.call('POST', '/v1/contacts', { email: uniqueEmail(), timeZone: '+01:00' });
      expect(fieldsOf(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['timeZone']);
    });

    it('sets a responsible user, and refuses an unknown one with 422 USER_NOT_FOUND', async () => {
      const user = await newUser(api);
      expect((await newPerson(api, { responsibleUserId: user.id })).responsibleUserId).toBe(user.id);
      const response = await api.call('POST', '/v1/contacts', {
        email: uniqueEmail(),
        responsibleUserId: UNKNOWN_ID,
      });
      expect(expectError(response, 422, 'USER_NOT_FOUND').details.field).toBe('responsibleUserId');
    });

    it('answers 404 CONTACT_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
      expectError(await api.call('GET', `/v1/contacts/${UNKNOWN_ID}`), 404, 'CONTACT_NOT_FOUND');
      const malformed = expectError(await api.call('GET', '/v1/contacts/12345'), 400, 'VALIDATION_FAILED');
      expect(fieldsOf(malformed)).toEqual(['id']);
    });
  });

  describe('custom fields', () => {
    it('stores values of every type checked against the schema', async () => {
      const [text, number, date, flag, choice] = [
        await newField(api, 'text'),
        await newField(api, 'number'),
        await newField(api, 'date'),
        await newField(api, 'boolean'),
        await newField(api, 'enum', ['sea', 'mountains']),
      ];
      const custom = {
        [text.key]: 'window seat',
        [number.key]: 2500.5,
        [date.key]: '2024-02-29',
        [flag.key]: true,
        [choice.key]: 'sea',
      };
      expect((await newPerson(api, { custom })).custom).toEqual(custom);
    });

    it('refuses an unknown field with 400 CONTACT_FIELD_UNKNOWN naming it', async () => {
      const response = await api.call('POST', '/v1/contacts', {
        email: uniqueEmail(),
        custom: { no_such_field: 1 },
      });
      expect(expectError(response, 400, 'CONTACT_FIELD_UNKNOWN').details.field).toBe('custom.no_such_field');
    });

    it('refuses a value of the wrong type with 400 CONTACT_FIELD_INVALID naming the field', async () => {
      const number = await newField(api, 'number');
      const date = await newField(api, 'date');
      const choice = await newField(api, 'enum', ['a', 'b']);
      for (const [key, value] of [
        [number.key, '12'],
        [date.key, '2023-02-29'],
        [choice.key, 'c'],
      ] as const) {
        const response = await api.call('POST', '/v1/contacts', {
          email: uniqueEmail(),
          custom: { [key]: value },
        });
        expect(expectError(response, 400, 'CONTACT_FIELD_INVALID').details.field).toBe(`custom.${key}`);
      }
    });

    it('removes a value on update with null and keeps the others', async () => {
      const a = await newField(api, 'text');
      const b = await newField(api, 'number');
      const person = await newPerson(api, { custom: { [a.key]: 'x', [b.key]: 1 } });
      const response = await api.call('PATCH', `/v1/contacts/${person.id}`, { custom: { [a.key]: null } });
      expect(response.json().custom).toEqual({ [b.key]: 1 });
    });

    it('refuses custom: null instead of crashing', async () => {
      const person = await newPerson(api);
      const response = await api.call('PATCH', `/v1/contacts/${person.id}`, { custom: null });
      expect(fieldsOf(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['custom']);
    });
  });

  describe('update', () => {
    it('changes given fields, clears null ones and records exactly the changes', async () => {
      const person = await newPerson(api, { firstName: 'Anna', city: 'Berlin', phone: '+49 30 1' });
      const response = await api.call('PATCH', `/v1/contacts/${person.id}`, {
        firstName: 'Anne',
        city: null,
        phone: '+49 30 1',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ firstName: 'Anne', city: null, phone: '+49 30 1' });
      const [latest] = await timelineOf(api, person.id);
      expect(latest).toMatchObject({
        type: 'contact.updated',
        actor: 'admin',
        payload: { changes: { firstName: { from: 'Anna', to: 'Anne' }, city: { from: 'Berlin', to: null } } },
      });
    });

    it('writes nothing and no event when nothing changes', async () => {
      const person = await newPerson(api, { firstName: 'Same' });
      const response = await api.call('PATCH', `/v1/contacts/${person.id}`, { firstName: 'Same' });
      expect(response.json().updatedAt).toBe(person.updatedAt);
      expect((await timelineOf(api, person.id)).map((event) => event.type)).toEqual(['contact.created']);
    });

    it("refuses another person's email ignoring case, and leaves no event", async () => {
      const first = await newPerson(api);
      const second = await newPerson(api);
      const response = await api.call('PATCH', `/v1/contacts/${second.id}`, {
        email: first.email!.toUpperCase(),
      });
      expectError(response, 409, 'CONTACT_EMAIL_TAKEN');
      expect(await timelineOf(api, second.id)).toHaveLength(1);
    });

    it("refuses clearing a person's email", async () => {
      const person = await newPerson(api);
      const response = await api.call('PATCH', `/v1/contacts/${person.id}`, { email: null });
      expectError(response, 400, 'CONTACT_EMAIL_REQUIRED');
    });

    it('refuses changing the kind', async () => {
      const person = await newPerson(api);
      const response = await api.call('PATCH', `/v1/contacts/${person.id}`, { kind: 'company' });
      expect(fieldsOf(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['kind']);
    });

    it('answers 404 for an unknown contact', async () => {
      const response = await api.call('PATCH', `/v1/contacts/${UNKNOWN_ID}`, { firstName: 'X' });
      expectError(response, 404, 'CONTACT_NOT_FOUND');
    });
  });

  describe('list', () => {
    it('searches names, email and company name ignoring case, newest first, in pages', async () => {
      const token = unique('Zyx');
      const company = await newCompany(api, { companyName: `${token} Travel GmbH` });
      const byFirstName = await newPerson(api, { firstName: token.toUpperCase() });
      const byLastName = await newPerson(api, { lastName: `Mc${token}` });
      const byEmail = await newPerson(api, { email: `${token.toLowerCase()}@example.org` });
      const byCompany = await newPerson(api, { companyId: company.id });
      await newPerson(api, { firstName: 'Unrelated' });

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/v1/contacts?q=${encodeURIComponent(token.toLowerCase())}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await api.call('GET', url)).json();
        seen.push(...page.items.map((contact: { id: string }) => contact.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual([byCompany.id, byEmail.id, byLastName.id, byFirstName.id, company.id]);
      expect(pages).toBe(3);
    });

    it('treats % and _ in the search text literally', async () => {
      const response = await api.call('GET', `/v1/contacts?q=${encodeURIComponent('%_%')}`);
      expect(response.statusCode).toBe(200);
      expect(response.json().items).toEqual([]);
    });

    it('filters by group with and without subgroups, and by tag', async () => {
      const [start, greece] = await newGroupChain(api, 'Start', 'Greece');
      const inStart = await newPerson(api);
      const inGreece = await newPerson(api);
      await api.call('PUT', `/v1/contacts/${inStart.id}/groups/${start!.id}`);
      await api.call('PUT', `/v1/contacts/${inGreece.id}/groups/${greece!.id}`);
      const ids = async (query: string) =>
        (await api.call('GET', `/v1/contacts?${query}`))
          .json()
          .items.map((contact: { id: string }) => contact.id);

      expect(new Set(await ids(`groupId=${start!.id}`))).toEqual(new Set([inStart.id, inGreece.id]));
      expect(await ids(`groupId=${start!.id}&includeSubgroups=false`)).toEqual([inStart.id]);
      expect(await ids(`groupId=${greece!.id}`)).toEqual([inGreece.id]);

      const tag = unique('Beach');
      await api.call('PUT', `/v1/contacts/${inGreece.id}/tags/${encodeURIComponent(tag)}`);
      expect(await ids(`tag=${encodeURIComponent(tag.toUpperCase())}`)).toEqual([inGreece.id]);
      expect(await ids(`tag=${encodeURIComponent(tag)}&groupId=${start!.id}&includeSubgroups=false`)).toEqual(
        [],
      );
    });

    it('answers 404 GROUP_NOT_FOUND for an unknown group filter', async () => {
      expectError(await api.call('GET', `/v1/contacts?groupId=${UNKNOWN_ID}`), 404, 'GROUP_NOT_FOUND');
    });

    it('refuses a bad cursor, a forged one and a bad limit', async () => {
      const forged = Buffer.from(JSON.stringify({ l: 'contacts', k: ['yesterday', 'x'] })).toString(
        'base64url',
      );
      const otherListing = Buffer.from(JSON.stringify({ l: 'tags', k: ['a'] })).toString('base64url');
      for (const cursor of ['garbage', forged, otherListing]) {
        const response = await api.call('GET', `/v1/contacts?cursor=${cursor}`);
        expect(expectError(response, 400, 'CURSOR_INVALID').details.field).toBe('cursor');
      }
      const limit = expectError(await api.call('GET', '/v1/contacts?limit=0'), 400, 'VALIDATION_FAILED');
      expect(fieldsOf(limit)).toEqual(['limit']);
      const flag = expectError(
        await api.call('GET', '/v1/contacts?includeSubgroups=yes'),
        400,
        'VALIDATION_FAILED',
      );
      expect(fieldsOf(flag)).toEqual(['includeSubgroups']);
    });
  });

  describe('upsert by email', () => {
    it('creates a person with groups and tags in one call, then updates it by email ignoring case', async () => {
      const [travel, greece] = await newGroupChain(api, 'Travel offers', 'Greece');
      const email = uniqueEmail('upsert');
      const first = await api.call('POST', '/v1/contacts/upsert', {
        email,
        firstName: 'Eleni',
        groups: [`${travel!.name}/Greece`],
        tags: ['Newsletter'],
      });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ created: true, contact: { email, firstName: 'Eleni' } });
      const id = first.json().contact.id;

      const second = await api.call('POST', '/v1/contacts/upsert', {
        email: email.toUpperCase(),
        lastName: 'Nikolaidou',
        groups: [`${travel!.name} / Greece`],
        tags: ['newsletter'],
      });
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({
        created: false,
        contact: { id, email, firstName: 'Eleni', lastName: 'Nikolaidou' },
      });

      const groups = (await api.call('GET', `/v1/contacts/${id}/groups`)).json().items;
      expect(groups.map((membership: { groupId: string }) => membership.groupId)).toEqual([greece!.id]);
      expect(groups[0]).toMatchObject({
        groupPath: [travel!.name, 'Greece'],
        addedBy: 'admin',
        source: 'api',
      });
      expect((await timelineOf(api, id)).map((event) => event.type).reverse()).toEqual([
        'contact.created',
        'contact.added_to_group',
        'contact.tagged',
        'contact.updated',
      ]);
    });

    it('writes no event for a repeated identical upsert', async () => {
      const [travel] = await newGroupChain(api, 'Travel offers', 'Greece');
      const body = {
        email: uniqueEmail(),
        firstName: 'Same',
        groups: [`${travel!.name}/Greece`],
        tags: ['x'],
      };
      const id = (await api.call('POST', '/v1/contacts/upsert', body)).json().contact.id;
      const before = await timelineOf(api, id);
      expect((await api.call('POST', '/v1/contacts/upsert', body)).statusCode).toBe(200);
      expect(await timelineOf(api, id)).toEqual(before);
    });

    it('refuses an unknown group path naming it, and writes nothing', async () => {
      const [travel] = await newGroupChain(api, 'Travel offers', 'Greece');
      const email = uniqueEmail('nothing-written');
      const response = await api.call('POST', '/v1/contacts/upsert', {
        email,
        groups: [`${travel!.name}/Greece`, `${travel!.name}/Atlantis`],
        tags: ['never'],
      });
      const error = expectError(response, 404, 'GROUP_NOT_FOUND');
      expect(error.details).toMatchObject({ field: 'groups[1]', path: `${travel!.name}/Atlantis` });
      expect((await api.call('GET', `/v1/contacts?q=${encodeURIComponent(email)}`)).json().items).toEqual([]);
    });

    it('keeps an existing person and its timeline unchanged when a path is unknown', async () => {
      const person = await newPerson(api, { firstName: 'Before' });
      const response = await api.call('POST', '/v1/contacts/upsert', {
        email: person.email,
        firstName: 'After',
        groups: [unique('Nowhere')],
      });
      expectError(response, 404, 'GROUP_NOT_FOUND');
      expect((await api.call('GET', `/v1/contacts/${person.id}`)).json().firstName).toBe('Before');
      expect(await timelineOf(api, person.id)).toHaveLength(1);
    });

    it('refuses a malformed group path with 400 GROUP_PATH_INVALID naming it', async () => {
      const response = await api.call('POST', '/v1/contacts/upsert', {
        email: uniqueEmail(),
        groups: ['Travel offers/\\x'],
      });
      expect(expectError(response, 400, 'GROUP_PATH_INVALID').details.field).toBe('groups[0]');
    });

    it('finds a group whose name contains a slash through \\/', async () => {
      const [root] = await newGroupChain(api, 'Offers');
      const child = await api.call('POST', '/v1/groups', { name: 'Sun/Sea', parentId: root!.id });
      expect(child.statusCode).toBe(201);
      const response = await api.call('POST', '/v1/contacts/upsert', {
        email: uniqueEmail(),
        groups: [`${root!.name}/Sun\\/Sea`],
      });
      expect(response.statusCode).toBe(201);
      const groups = (await api.call('GET', `/v1/contacts/${response.json().contact.id}/groups`)).json()
        .items;
      expect(groups[0].groupPath).toEqual([root!.name, 'Sun/Sea']);
    });

    it('requires a valid email', async () => {
      const response = await api.call('POST', '/v1/contacts/upsert', { firstName: 'No email' });
      expect(new Set(fieldsOf(expectError(response, 400, 'VALIDATION_FAILED')))).toEqual(new Set(['email']));
    });

    it('creates one person when the same new email is upserted concurrently', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all(
        Array.from({ length: 5 }, () =>
          api.call('POST', '/v1/contacts/upsert', { email, firstName: 'Race' }),
        ),
      );
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(responses.map((response) => response.json().contact.id)).size).toBe(1);
    });
  });

  describe('GDPR delete', () => {
    it('erases the contact, its memberships, tags and history, leaving only an anonymous tombstone', async () => {
      const [start] = await newGroupChain(api, 'Start');
      const segment = (await api.call('POST', '/v1/segments', { name: unique('Segment') })).json();
      const tag = unique('Erase');
      const person = await newPerson(api, { firstName: 'Erika', lastName: 'Mustermann' });
      await api.call('PUT', `/v1/contacts/${person.id}/groups/${start!.id}`);
      await api.call('PUT', `/v1/contacts/${person.id}/tags/${tag}`);
      await api.call('POST', `/v1/segments/${segment.id}/members`, { contactIds: [person.id] });
      await api.call('PATCH', `/v1/contacts/${person.id}`, { city: 'Köln' });

      const response = await api.call('DELETE', `/v1/contacts/${person.id}`);
      expect(response.statusCode).toBe(204);

      expectError(await api.call('GET', `/v1/contacts/${person.id}`), 404, 'CONTACT_NOT_FOUND');
      const timeline = await timelineOf(api, person.id);
      expect(timeline).toEqual([
        {
          seq: expect.any(String),
          type: 'contact.deleted',
          actor: 'admin',
          occurredAt: expect.any(String),
          payload: {},
        },
      ]);
      expect(JSON.stringify(timeline)).not.toMatch(/Erika|Mustermann|Köln|example\.com/);
      expect((await api.call('GET', `/v1/contacts?groupId=${start!.id}`)).json().items).toEqual([]);
      expect((await api.call('GET', `/v1/segments/${segment.id}`)).json().memberCount).toBe(0);
      const tags = (await api.call('GET', '/v1/tags?limit=500')).json().items;
      expect(tags.find((entry: { name: string }) => entry.name === tag)?.contacts).toBe(0);

      expectError(await api.call('DELETE', `/v1/contacts/${person.id}`), 404, 'CONTACT_NOT_FOUND');
    });

    it('detaches the persons of a deleted company, each with an event', async () => {
      const company = await newCompany(api);
      const person = await newPerson(api, { companyId: company.id });
      expect((await api.call('DELETE', `/v1/contacts/${company.id}`)).statusCode).toBe(204);
      expect((await api.call('GET', `/v1/contacts/${person.id}`)).json().companyId).toBeNull();
      const [latest] = await timelineOf(api, person.id);
      expect(latest).toMatchObject({
        type: 'contact.updated',
        payload: { changes: { companyId: { from: company.id, to: null } } },
      });
    });

    it('answers 404 for an id that never existed', async () => {
      expectError(await api.call('DELETE', `/v1/contacts/${UNKNOWN_ID}`), 404, 'CONTACT_NOT_FOUND');
      expectError(await api.call('GET', `/v1/contacts/${UNKNOWN_ID}/timeline`), 404, 'CONTACT_NOT_FOUND');
    });
  });

  describe('bad requests', () => {
    it('answers 401 without an API key', async () => {
      const person = await newPerson(api);
      for (const [method, url] of [
        ['GET', '/v1/contacts'],
        ['GET', `/v1/contacts/${person.id}`],
        ['POST', '/v1/contacts/upsert'],
        ['DELETE', `/v1/contacts/${person.id}`],
        ['GET', `/v1/contacts/${person.id}/timeline`],
      ] as const) {
        expectError(await api.call(method, url, { email: uniqueEmail() }, {}), 401, 'UNAUTHORIZED');
      }
      expect((await api.call('GET', `/v1/contacts/${person.id}`)).statusCode).toBe(200);
    });

    it('answers 413 for a body over the limit', async () => {
      const response = await api.call('POST', '/v1/contacts/upsert', {
        email: uniqueEmail(),
        firstName: 'x'.repeat(BODY_LIMIT_BYTES),
      });
      expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 400 INVALID_JSON for a malformed body', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/v1/contacts',
        payload: '{"email": ',
        headers: { authorization: api.authorization, 'content-type': 'application/json' },
      });
      expectError(response, 400, 'INVALID_JSON');
    });
  });
});
