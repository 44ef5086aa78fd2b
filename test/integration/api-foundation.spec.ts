import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BODY_LIMIT_BYTES } from '../../apps/api/src/create-api-app.js';
import { createTestApi } from '../support/test-api.js';

describe('API foundation', () => {
  let app: NestFastifyApplication;
  let authorization: string;

  beforeAll(async () => {
    ({ app, authorization } = await createTestApi());
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = { authorization }) =>
    app.inject({ method: 'POST', url, payload: payload as string, headers });

  describe('groups', () => {
    it('creates a root and a Unicode child, and returns them as a tree', async () => {
      const root = await post('/v1/groups', { name: 'Reiseangebote' });
      expect(root.statusCode).toBe(201);
      const child = await post('/v1/groups', { name: 'Türkei / Первый контакт', parentId: root.json().id });
      expect(child.statusCode).toBe(201);
      expect(child.json()).toMatchObject({ name: 'Türkei / Первый контакт', parentId: root.json().id });

      const tree = await app.inject({ method: 'GET', url: '/v1/groups/tree', headers: { authorization } });
      expect(tree.statusCode).toBe(200);
      const node = tree.json().roots.find((group: { id: string }) => group.id === root.json().id);
      expect(node.children.map((group: { name: string }) => group.name)).toEqual(['Türkei / Первый контакт']);
    });

    it('refuses a second root of the same name with 409 GROUP_DUPLICATE_SIBLING', async () => {
      expect((await post('/v1/groups', { name: 'Customers' })).statusCode).toBe(201);
      const duplicate = await post('/v1/groups', { name: 'Customers' });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().error).toMatchObject({
        code: 'GROUP_DUPLICATE_SIBLING',
        details: { field: 'name' },
      });
    });

    it('allows the same name under different parents', async () => {
      const a = await post('/v1/groups', { name: 'Start' });
      const b = await post('/v1/groups', { name: 'Interested' });
      expect((await post('/v1/groups', { name: 'Greece', parentId: a.json().id })).statusCode).toBe(201);
      expect((await post('/v1/groups', { name: 'Greece', parentId: b.json().id })).statusCode).toBe(201);
    });

    it('answers 422 GROUP_PARENT_NOT_FOUND for an unknown parent', async () => {
      const response = await post('/v1/groups', {
        name: 'Orphan',
        parentId: '00000000-0000-4000-8000-000000000000',
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('GROUP_PARENT_NOT_FOUND');
    });
  });

  describe('bad input', () => {
    it('lists every bad field with 400 VALIDATION_FAILED', async () => {
      const response = await post('/v1/groups', { name: '   ', parentId: 'not-a-uuid', colour: 'red' });
      expect(response.statusCode).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe('VALIDATION_FAILED');
      const fields = error.details.fields.map((entry: { field: string }) => entry.field);
      expect(new Set(fields)).toEqual(new Set(['name', 'parentId', 'colour']));
    });

    it('answers 400 INVALID_JSON for a malformed body', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/groups',
        payload: '{"name": ',
        headers: { authorization, 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('INVALID_JSON');
    });

    it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
      const response = await post('/v1/groups', { name: 'x'.repeat(BODY_LIMIT_BYTES) });
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers 401 UNAUTHORIZED without a key or with a wrong one', async () => {
      const missing = await post('/v1/groups', { name: 'x' }, {});
      const wrong = await post('/v1/groups', { name: 'x' }, { authorization: 'Bearer trl_wrong' });
      for (const response of [missing, wrong]) {
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe('UNAUTHORIZED');
      }
    });

    it('answers 404 ROUTE_NOT_FOUND for an unknown route, with the same error shape and a request id', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/v1/nothing-here',
        headers: { authorization },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND', details: {} } });
      expect(response.json().requestId).toBe(response.headers['x-request-id']);
    });

    it('keeps a caller-supplied request id', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': 'abc-123' },
      });
      expect(response.headers['x-request-id']).toBe('abc-123');
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3.1 document in which every schema property has a description', async () => {
      const response = await app.inject({ method: 'GET', url: '/openapi.json' });
      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toBe('3.1.0');
      const undocumented: string[] = [];
      for (const [schemaName, schema] of Object.entries<{
        properties?: Record<string, { description?: string }>;
      }>(document.components.schemas)) {
        for (const [property, definition] of Object.entries(schema.properties ?? {})) {
          if (!definition.description) undocumented.push(`${schemaName}.${property}`);
        }
      }
      expect(undocumented).toEqual([]);
    });

    it('serves Swagger UI at /docs', async () => {
      const response = await app.inject({ method: 'GET', url: '/docs' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('swagger');
    });
  });
});
