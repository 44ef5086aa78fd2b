import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApi } from '../support/test-api.js';

describe('GET /health', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    ({ app } = await createTestApi());
  });

  afterAll(async () => {
    await app.close();
  });

  it('reports the database and Temporal as up', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, temporal: { status: 'up' } },
    });
  });

  it('answers 503 naming Temporal when Temporal is unreachable', async () => {
    const { app: broken } = await createTestApi({ temporalAddress: '127.0.0.1:1' });
    try {
      const response = await broken.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      const body = response.json();
      expect(body.error).toHaveProperty('temporal.status', 'down');
      expect(body.details).toHaveProperty('database.status', 'up');
    } finally {
      await broken.close();
    }
  });
});
