// Integration tests run against real PostgreSQL and a real Temporal server:
// the embedded ones by default, or those named by DATABASE_URL / TEMPORAL_ADDRESS.
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ResolvedServices } from '../../libs/platform/src/index.js';

// Jest loads global setup with Node's own ESM loader, outside its module mapping,
// so the setup uses the compiled libraries; the test scripts build them first.
const distRoot = new URL('../../dist/', import.meta.url);
const { runMigrations } = (await import(
  new URL('libs/domain/src/index.js', distRoot).href
)) as typeof import('../../libs/domain/src/index.js');
const { loadConfig, startMissingServices } = (await import(
  new URL('libs/platform/src/index.js', distRoot).href
)) as typeof import('../../libs/platform/src/index.js');

declare global {
  var trellisTestServices: ResolvedServices | undefined;
}

const TEST_DATABASE = 'trellis_test';

async function recreateDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEST_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${TEST_DATABASE}`;
  return url.toString();
}

export default async function globalSetup(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'trellis-test-'));
  // The embedded PostgreSQL runs as user postgres, which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  const config = loadConfig({ ...process.env, TRELLIS_DATA_DIR: dataDir });
  const services = await startMissingServices(config, { postgres: true, temporal: true });
  globalThis.trellisTestServices = services;
  const databaseUrl = await recreateDatabase(services.databaseUrl!);
  await runMigrations(databaseUrl);
  process.env.TRELLIS_TEST_DATABASE_URL = databaseUrl;
  process.env.TRELLIS_TEST_TEMPORAL_ADDRESS = services.temporalAddress;
  process.env.TRELLIS_TEST_DATA_DIR = dataDir;
}
