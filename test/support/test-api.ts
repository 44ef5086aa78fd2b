import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import type { ApiSettings } from '../../apps/api/src/api-settings.js';
import { ApiKeyService } from '../../libs/domain/src/index.js';
import { testDatabaseUrl, testTemporalAddress } from './test-env.js';

export const TEST_ADMIN_KEY = 'trl_test-admin-key-0123456789abcdef';

/** The real API module on the real test database, driven through Fastify's inject. */
export async function createTestApi(overrides: Partial<ApiSettings> = {}) {
  const app: NestFastifyApplication = await createApiApp({
    databaseUrl: testDatabaseUrl(),
    temporalAddress: testTemporalAddress(),
    temporalNamespace: 'default',
    logLevel: 'silent',
    ...overrides,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.get(ApiKeyService).ensureAdminKey(TEST_ADMIN_KEY);
  return { app, authorization: `Bearer ${TEST_ADMIN_KEY}` };
}
