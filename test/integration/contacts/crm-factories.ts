// Small factories for the CRM core specs. Every spec file of one jest run shares
// one database, so names and emails are made unique per call.
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTestApi } from '../../support/test-api.js';

export interface TestApi {
  app: NestFastifyApplication;
  authorization: string;
  call(
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export async function openTestApi(): Promise<TestApi> {
  const { app, authorization } = await createTestApi();
  return {
    app,
    authorization,
    call: (method, url, payload, headers = { authorization }) =>
      app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as string }) }),
  };
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function uniqueEmail(prefix = 'person'): string {
  return `${unique(prefix)}@example.com`;
}

/** Asserts the status, so a factory failure names its cause instead of failing later. */
async function created<T>(response: LightMyRequestResponse, status = 201): Promise<T> {
  if (response.statusCode !== status) {
    throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`);
  }
  return response.json() as T;
}

export interface GroupRef {
  id: string;
  name: string;
}

export async function newGroup(api: TestApi, options: { name?: string; parent?: GroupRef } = {}) {
  return created<GroupRef>(
    await api.call('POST', '/v1/groups', {
      name: options.name ?? unique('group'),
      ...(options.parent ? { parentId: options.parent.id } : {}),
    }),
  );
}

/** A root with a unique name and the chain of named subgroups below it, e.g. Start/Greece/Crete. */
export async function newGroupChain(api: TestApi, ...names: string[]): Promise<GroupRef[]> {
  const chain: GroupRef[] = [];
  for (const [index, name] of names.entries()) {
    chain.push(await newGroup(api, { name: index === 0 ? unique(name) : name, parent: chain.at(-1) }));
  }
  return chain;
}

export interface ContactJson {
  id: string;
  kind: 'person' | 'company';
  email: string | null;
  companyId: string | null;
  custom: Record<string, unknown>;
  [field: string]: unknown;
}

export async function newPerson(api: TestApi, fields: Record<string, unknown> = {}): Promise<ContactJson> {
  return created(
    await api.call('POST', '/v1/contacts', { email: uniqueEmail(), firstName: 'Anna', ...fields }),
  );
}

export async function newCompany(api: TestApi, fields: Record<string, unknown> = {}): Promise<ContactJson> {
  return created(
    await api.call('POST', '/v1/contacts', { kind: 'company', companyName: unique('Company'), ...fields }),
  );
}

export async function newUser(api: TestApi): Promise<{ id: string; name: string; email: string }> {
  return created(await api.call('POST', '/v1/users', { name: unique('User'), email: uniqueEmail('user') }));
}

export async function newField(
  api: TestApi,
  type: string,
  options?: string[],
): Promise<{ key: string; type: string }> {
  const key = unique(`f_${type}`).replace('-', '_');
  return created(
    await api.call('POST', '/v1/fields', { key, label: key, type, ...(options ? { options } : {}) }),
  );
}

export interface TimelineEvent {
  seq: string;
  type: string;
  actor: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** The whole timeline, newest first, following cursors. */
export async function timelineOf(api: TestApi, contactId: string): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&cursor=${cursor}` : '?limit=100';
    const page: { items: TimelineEvent[]; nextCursor: string | null } = await created(
      await api.call('GET', `/v1/contacts/${contactId}/timeline${query}`),
      200,
    );
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

export function expectError(response: LightMyRequestResponse, status: number, code: string) {
  if (response.statusCode !== status || response.json().error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.statusCode}: ${response.body}`);
  }
  return response.json().error as { code: string; message: string; details: Record<string, unknown> };
}
