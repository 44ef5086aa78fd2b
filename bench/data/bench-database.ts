// Where the benchmarks' data lives: DATABASE_URL when set, otherwise an embedded
// PostgreSQL with its data under .trellis/bench (git-ignored), kept between runs so
// that generating once serves many benchmark runs.
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded-postgres.js';

export const DEFAULT_BENCH_DATA_DIR = '.trellis/bench';
export const BENCH_DATABASE = 'trellis_bench';

export interface BenchDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function openBenchDatabase(dataDir = DEFAULT_BENCH_DATA_DIR): Promise<BenchDatabase> {
  const configured = process.env['DATABASE_URL'];
  if (configured) return { url: configured, embedded: false, stop: async () => undefined };
  const absolute = path.resolve(dataDir);
  await mkdir(absolute, { recursive: true });
  // The embedded server runs as the postgres user, which must be able to enter every parent folder.
  for (let folder = absolute; folder.startsWith(process.cwd() + path.sep); folder = path.dirname(folder)) {
    await chmod(folder, 0o755);
  }
  const server = await startEmbeddedPostgres({ dataDir: absolute, database: BENCH_DATABASE });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/** Drops and creates the database named in `url`, through the server's `postgres` database. */
export async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await client.end();
  }
}

export function intOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`not a whole number: ${value}`);
  return parsed;
}

export { parseArgs };
