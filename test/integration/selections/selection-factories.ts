// Small factories for the selection specs. Every spec file of a jest run shares one
// database, so each test builds its own uniquely named root group and refers to it.
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTestApi } from '../../support/test-api.js';

export interface Api {
  app: NestFastifyApplication;
  call(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export async function openApi(): Promise<Api> {
  const { app, authorization } = await createTestApi();
  return {
    app,
    call: (method, url, payload) =>
      app.inject({
        method,
        url,
        headers: { authorization },
        ...(payload === undefined ? {} : { payload: payload as string }),
      }),
  };
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Asserts the status, so a factory failure names its cause instead of failing later. */
export async function expectStatus<T>(response: Promise<LightMyRequestResponse>, status: number): Promise<T> {
  const answer = await response;
  if (answer.statusCode !== status) {
    throw new Error(`expected ${status}, got ${answer.statusCode}: ${answer.body}`);
  }
  return (answer.body ? answer.json() : undefined) as T;
}

export interface GroupJson {
  id: string;
  name: string;
}

export function newGroup(api: Api, name: string, parent?: GroupJson): Promise<GroupJson> {
  return expectStatus(
    api.call('POST', '/v1/groups', { name, ...(parent ? { parentId: parent.id } : {}) }),
    201,
  );
}

export interface ContactJson {
  id: string;
  email: string | null;
  [field: string]: unknown;
}

export function newPerson(api: Api, fields: Record<string, unknown> = {}): Promise<ContactJson> {
  return expectStatus(
    api.call('POST', '/v1/contacts', { email: `${unique('p')}@example.com`, firstName: 'Anna', ...fields }),
    201,
  );
}

export async function addToGroup(api: Api, contact: ContactJson, group: GroupJson): Promise<void> {
  await expectStatus(api.call('PUT', `/v1/contacts/${contact.id}/groups/${group.id}`), 200);
}

export async function tag(api: Api, contact: ContactJson, name: string): Promise<void> {
  await expectStatus(api.call('PUT', `/v1/contacts/${contact.id}/tags/${encodeURIComponent(name)}`), 200);
}

export interface SelectionJson {
  id: string;
  name: string;
  source: string;
  diagnostics: { severity: string; message: string; code?: string }[];
}

export function saveSelection(api: Api, source: string): Promise<SelectionJson> {
  return expectStatus(api.call('POST', '/v1/selections', { source }), 201);
}

/** Quotes a name for rule text. */
export function q(name: string): string {
  return `"${name.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** Every contact id of a saved selection, following cursors. */
export async function allContactIds(api: Api, selectionId: string, limit = 2): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const page: { items: { id: string }[]; nextCursor: string | null } = await expectStatus(
      api.call('GET', `/v1/selections/${selectionId}/contacts${query}`),
      200,
    );
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
