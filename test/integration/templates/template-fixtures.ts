// Factories for the template and letter specs. Spec files share one database,
// so every name (templates, parts, fields, groups, emails) is unique per call.
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ApiSettings } from '../../../apps/api/src/api-settings.js';
import { createTestApi } from '../../support/test-api.js';

export interface TestApi {
  app: NestFastifyApplication;
  call(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export async function openTestApi(overrides: Partial<ApiSettings> = {}): Promise<TestApi> {
  const { app, authorization } = await createTestApi(overrides);
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

/** A custom field key: a-z, digits and _. */
export function uniqueKey(prefix: string): string {
  return `${prefix}_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
}

export async function expectStatus<T = Record<string, unknown>>(
  response: LightMyRequestResponse,
  status: number,
): Promise<T> {
  if (response.statusCode !== status) {
    throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body.slice(0, 2000)}`);
  }
  return (response.body === '' ? undefined : response.json()) as T;
}

/** An MJML email: the given content inside one column, and the unsubscribe link every email needs. */
export function emailBody(content: string): string {
  return `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        ${content}
        <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

export interface TemplateRef {
  id: string;
  name: string;
  latestVersion: number | null;
}

export async function newEmailTemplate(
  api: TestApi,
  options: { name?: string; subject?: string; preheader?: string; body?: string } = {},
): Promise<TemplateRef> {
  return expectStatus<TemplateRef>(
    await api.call('POST', '/v1/templates', {
      name: options.name ?? unique('email'),
      kind: 'email',
      subject: options.subject ?? 'Hello {{default contact.firstName "there"}}',
      ...(options.preheader === undefined ? {} : { preheader: options.preheader }),
      body: options.body ?? emailBody('<mj-text>Dear {{contact.firstName}} {{contact.lastName}}</mj-text>'),
    }),
    201,
  );
}

export async function publish(api: TestApi, templateId: string): Promise<{ id: string; version: number }> {
  return expectStatus(await api.call('POST', `/v1/templates/${templateId}/publish`), 201);
}

export async function newField(api: TestApi, type: 'text' | 'number' | 'date' = 'text'): Promise<string> {
  const key = uniqueKey('tpl');
  await expectStatus(await api.call('POST', '/v1/fields', { key, label: `Template spec ${key}`, type }), 201);
  return key;
}

/** A person with groups (created under a unique root) and tags, through the upsert endpoint. */
export async function newContact(
  api: TestApi,
  fields: Record<string, unknown> & { groups?: string[] } = {},
): Promise<{ id: string; email: string }> {
  const { groups = [], ...rest } = fields;
  const paths: string[] = [];
  if (groups.length > 0) {
    const root = await expectStatus<{ id: string; name: string }>(
      await api.call('POST', '/v1/groups', { name: unique('Travel') }),
      201,
    );
    for (const name of groups) {
      await expectStatus(await api.call('POST', '/v1/groups', { name, parentId: root.id }), 201);
      paths.push(`${root.name}/${name}`);
    }
  }
  const email = `${unique('traveller')}@example.org`;
  const response = await expectStatus<{ contact: { id: string } }>(
    await api.call('POST', '/v1/contacts/upsert', {
      email,
      ...rest,
      ...(paths.length ? { groups: paths } : {}),
    }),
    201,
  );
  return { id: response.contact.id, email };
}
