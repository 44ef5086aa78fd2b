import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { openTestApi, type TestApi } from './contacts/crm-factories.js';
import { newEmailTemplate } from './templates/template-fixtures.js';

/**
 * Bad input must never produce a 500. Every operation in the OpenAPI document gets
 * malformed path parameters, query strings and bodies (wrong types for each documented
 * property, wrong JSON shapes, odd strings); each answer must be below 500 and carry the
 * one error body shape when it is an error.
 */
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};
type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const ODD_STRINGS = [
  '',
  ' ',
  'not-a-uuid',
  "'; DROP TABLE contacts;--",
  '\u0000',
  '💥'.repeat(300),
  '../..',
  '%',
];
const WRONG_VALUES: unknown[] = [
  null,
  true,
  -1,
  1e308,
  1.5,
  '',
  'x'.repeat(5000),
  '\u0000',
  [],
  [null],
  {},
  { nested: { deeper: [1, 'a'] } },
];
const PATH_VALUES = [
  '00000000-0000-4000-8000-000000000000',
  '99999999999',
  '-1',
  'not-a-uuid',
  '%00',
  '💥',
  'x'.repeat(300),
];

/** Routes whose purpose is to wait, stream or run workflows; their inputs are covered by their own specs. */
const SKIPPED = new Set(['POST /v1/system/test-mails']);

describe('garbage in, never a 500', () => {
  let api: TestApi;
  let app: NestFastifyApplication;
  let authorization: string;
  let document: OpenApi;

  /** A real resource behind each kind of path parameter, so that garbage also reaches existing rows. */
  const realValues: Record<string, string> = {};

  beforeAll(async () => {
    api = await openTestApi();
    ({ app, authorization } = api);
    document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const create = async (url: string, payload: unknown): Promise<Record<string, string>> => {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { authorization },
        payload: payload as string,
      });
      if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return response.json();
    };
    const suffix = Math.random().toString(36).slice(2, 8);
    const group = await create('/v1/groups', { name: `Garbage ${suffix}` });
    realValues['groups'] = group['id']!;
    realValues['contacts'] = (
      await create('/v1/contacts', { kind: 'person', email: `garbage-${suffix}@example.com` })
    )['id']!;
    realValues['segments'] = (await create('/v1/segments', { name: `Garbage ${suffix}` }))['id']!;
    realValues['fields'] = (
      await create('/v1/fields', { key: `garbage_${suffix}`, label: 'Garbage', type: 'number' })
    )['key']!;
    realValues['selections'] = (
      await create('/v1/selections', { source: `selection "Garbage ${suffix}" = in "Garbage ${suffix}"` })
    )['id']!;
    realValues['automations'] = (
      await create('/v1/automations', {
        name: `Garbage ${suffix}`,
        source: `when tagged "garbage" start sequence "G${suffix}"\nsequence "G${suffix}" { wait 1 day }`,
      })
    )['id']!;
    realValues['templates'] = (await newEmailTemplate(api)).id;
    realValues['template-parts'] = (
      await create('/v1/template-parts', {
        name: `garbage-${suffix}`,
        kind: 'partial',
        content: '<mj-text>x</mj-text>',
      })
    )['id']!;
    realValues['tags'] = 'garbage';
    realValues['versions'] = '1';
    realValues['sequences'] = `G${suffix}`;
  });

  afterAll(async () => {
    await app.close();
  });

  function resolve(schema: Schema | undefined, depth = 0): Schema | undefined {
    if (!schema || depth > 8) return schema;
    if (schema.$ref) return resolve(document.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
    const combined = schema.allOf ?? schema.oneOf ?? schema.anyOf;
    if (combined) {
      const properties: Record<string, Schema> = {};
      for (const part of combined) Object.assign(properties, resolve(part, depth + 1)?.properties ?? {});
      return { ...schema, properties: { ...properties, ...schema.properties } };
    }
    return schema;
  }

  /** Bodies that break the documented shape: each property given each wrong value, and wrong whole bodies. */
  function badBodies(schema: Schema | undefined): unknown[] {
    const resolved = resolve(schema);
    const bodies: unknown[] = [{}, [], 'text', 42, null, { unknownProperty: 1 }];
    for (const [name, property] of Object.entries(resolved?.properties ?? {})) {
      for (const value of WRONG_VALUES) bodies.push({ [name]: value });
      const inner = resolve(property);
      for (const [innerName] of Object.entries(inner?.properties ?? {})) {
        for (const value of WRONG_VALUES) bodies.push({ [name]: { [innerName]: value } });
      }
      if (inner?.items) bodies.push({ [name]: [{ deep: [[[]]] }, 7, 'x'] });
    }
    return bodies;
  }

  it('answers every documented operation below 500, with the standard error body', async () => {
    const failures: string[] = [];
    const check = async (method: string, url: string, payload?: unknown, raw?: string) => {
      const response = await app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: {
          authorization,
          ...(payload !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(raw !== undefined
          ? { payload: raw }
          : payload !== undefined
            ? { payload: JSON.stringify(payload) }
            : {}),
      });
      const shown = `${method.toUpperCase()} ${url.slice(0, 120)} ${raw ?? JSON.stringify(payload)?.slice(0, 120)}`;
      if (response.statusCode >= 500) {
        failures.push(`${response.statusCode} ${shown}: ${response.body.slice(0, 300)}`);
      } else if (response.statusCode >= 400 && response.headers['content-type']?.includes('json')) {
        const body = response.json() as { error?: { code?: unknown; message?: unknown } };
        if (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string') {
          failures.push(
            `${response.statusCode} without the error body: ${shown}: ${response.body.slice(0, 200)}`,
          );
        }
      }
    };

    // Deletes last, so that the real resources exist for everything else.
    const operations = Object.entries(document.paths)
      .flatMap(([template, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]) => ({ template, method, operation })),
      )
      .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const { template, method, operation } of operations) {
      {
        if (SKIPPED.has(`${method.toUpperCase()} ${template}`)) continue;
        const pathParameters = template.match(/\{[^}]+\}/g) ?? [];
        // Each parameter gets the real resource named by the path segment before it.
        const real = template.replace(/([^/]+)\/\{[^}]+\}/g, (whole, segment: string) =>
          realValues[segment] === undefined ? whole : `${segment}/${encodeURIComponent(realValues[segment])}`,
        );
        const urls = [
          ...(pathParameters.length > 0 && !/\{/.test(real) ? [real] : []),
          ...(pathParameters.length === 0 ? [''] : PATH_VALUES).map((value) =>
            template.replace(/\{[^}]+\}/g, encodeURIComponent(value)),
          ),
        ].map((url) => url || template);
        const queryNames = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const url of urls) {
          await check(method, url);
          for (const name of queryNames) {
            for (const value of ODD_STRINGS)
              await check(method, `${url}?${name}=${encodeURIComponent(value)}`);
            await check(method, `${url}?${name}=a&${name}=b`);
          }
        }
        if (method === 'get' || method === 'delete') continue;
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        for (const url of urls.slice(0, 2)) {
          await check(method, url, undefined, '{"unterminated": ');
          for (const body of badBodies(schema)) await check(method, url, body);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses text with a NUL character as a validation error naming the field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/contacts/upsert',
      headers: { authorization, 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'nul@example.com', groups: ['Travel', 'Gree\u0000ce'] }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'groups[1]', problem: 'groups[1] contains a NUL character' }] },
    });
    const query = await app.inject({
      method: 'GET',
      url: '/v1/contacts?q=a%00b',
      headers: { authorization },
    });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details.fields[0].field).toBe('q');
  });
});
