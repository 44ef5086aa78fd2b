// The real stack the automation benchmarks run against: embedded PostgreSQL (or
// DATABASE_URL), a fresh Temporal dev server (SQLite file), an in-process mail
// catcher, and the API and the worker as child processes, as in production; plus
// CPU accounting by process from /proc, so a phase disturbed by other work shows.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { runMigrations } from '../../libs/domain/src/database/data-source-options.js';
import { stopChild } from '../../libs/platform/src/child-process.js';
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded-postgres.js';
import { findFreePort } from '../../libs/platform/src/free-port.js';
import { MailCatcher } from '../../libs/platform/src/mail-catcher.js';
import { READY_MESSAGE } from '../../libs/platform/src/shutdown.js';
import { resolveTemporalCli, startTemporalDevServer } from '../../libs/platform/src/temporal-dev-server.js';

async function openDatabase(
  database: string,
  dataDir: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env['DATABASE_URL'];
  let url: string;
  let stop = async () => undefined as void;
  if (configured) {
    url = configured;
  } else {
    await mkdir(dataDir, { recursive: true });
    for (let folder = dataDir; folder.startsWith(process.cwd() + path.sep); folder = path.dirname(folder)) {
      await chmod(folder, 0o755);
    }
    const server = await startEmbeddedPostgres({ dataDir: dataDir, database: 'postgres' });
    url = server.url;
    stop = () => server.stop();
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${database}`;
  await runMigrations(target.toString());
  return { url: target.toString(), stop };
}

export function startApp(
  entry: string,
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): Promise<ChildProcess> {
  const child = fork(path.resolve(entry), [], {
    env,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string }) => {
      if (message?.type === READY_MESSAGE) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready`)));
  });
}

export class Api {
  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export async function createContacts(db: pg.Client, prefix: string, count: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO contacts (kind, email, first_name)
     SELECT 'person', $1 || '-' || n || '@bench.example', 'B' || n FROM generate_series(1, $2) n
     RETURNING id`,
    [prefix, count],
  );
  return rows.map((row) => row.id);
}

export type Role = 'worker' | 'api' | 'temporal' | 'postgres';

/** CPU seconds of the processes this benchmark runs (by pid, with their role) and of the whole machine. */
export interface CpuSample {
  at: number;
  processes: Map<number, { role: Role; seconds: number }>;
  bench: number;
  machineBusy: number;
}

const CLOCK_TICKS = 100;

/**
 * CPU seconds a role used between two samples, summed per process, so that a
 * process that ended meanwhile (a PostgreSQL backend) takes nothing away.
 */
export function cpuSeconds(from: CpuSample, to: CpuSample, role: Role | 'bench'): number {
  if (role === 'bench') return to.bench - from.bench;
  let total = 0;
  for (const [pid, usage] of to.processes) {
    if (usage.role === role) total += usage.seconds - (from.processes.get(pid)?.seconds ?? 0);
  }
  return total;
}

async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  // user nice system idle iowait irq softirq steal: all but idle and iowait is work.
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}

/** Reads /proc: every process below this one (PostgreSQL, the Temporal server, the API, the worker). */
export class CpuMeter {
  constructor(private readonly roles: { worker: number; api: number }) {}

  async sample(): Promise<CpuSample> {
    const processes: { pid: number; ppid: number; comm: string; seconds: number }[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const close = stat.lastIndexOf(')');
      if (close < 0) continue;
      const fields = stat.slice(close + 2).split(' ');
      processes.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
      });
    }
    const usage = process.cpuUsage();
    const sample: CpuSample = {
      at: performance.now(),
      processes: new Map(),
      bench: (usage.user + usage.system) / 1e6,
      machineBusy: await machineBusySeconds(),
    };
    const below = new Set([process.pid]);
    // Parents have lower pids than their children, except after pid wrap-around (rare enough here).
    for (const row of processes.sort((a, b) => a.pid - b.pid)) {
      if (!below.has(row.ppid)) continue;
      below.add(row.pid);
      const role: Role | undefined =
        row.pid === this.roles.worker
          ? 'worker'
          : row.pid === this.roles.api
            ? 'api'
            : row.comm === 'temporal'
              ? 'temporal'
              : row.comm === 'postgres'
                ? 'postgres'
                : undefined;
      if (role) sample.processes.set(row.pid, { role, seconds: row.seconds });
    }
    return sample;
  }
}

/**
 * Percent of one core each role used between two samples, how busy the machine's
 * cores were, and how much of that was other work than this benchmark's: a phase
 * that shared the machine with someone else's load is not comparable.
 */
export function cpuLine(from: CpuSample, to: CpuSample): string {
  const seconds = (to.at - from.at) / 1000;
  const roles = ['worker', 'temporal', 'postgres', 'api', 'bench'] as const;
  const used = Object.fromEntries(roles.map((role) => [role, cpuSeconds(from, to, role) / seconds]));
  const machine = (to.machineBusy - from.machineBusy) / seconds;
  const other = Math.max(0, machine - roles.reduce((sum, role) => sum + used[role]!, 0));
  const percent = (share: number) => (share * 100).toFixed(0);
  return (
    `CPU (% of one core): worker ${percent(used.worker!)}, Temporal ${percent(used.temporal!)}, ` +
    `PostgreSQL ${percent(used.postgres!)}, API ${percent(used.api!)}, bench ${percent(used.bench!)}, ` +
    `other work ${percent(other)}; all ${cpus().length} cores ${percent(machine / cpus().length)} % busy; ` +
    `load average ${loadavg()[0]!.toFixed(1)}`
  );
}

export interface Stack {
  api: Api;
  /** A connection of the benchmark's own to the database. */
  db: pg.Client;
  temporal: Client;
  catcher: MailCatcher;
  meter: CpuMeter;
  /** One line naming the servers, for the benchmark's output. */
  servers: string;
  stop(): Promise<void>;
}

/** Starts everything, in a database of its own (dropped first) and a fresh Temporal dev server. */
export async function startStack(options: {
  database: string;
  dataDir: string;
  workerArgv?: string[];
}): Promise<Stack> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const database = await openDatabase(options.database, path.resolve(options.dataDir));
    stops.push(() => database.stop());
    const temporalDir = await mkdtemp(path.join(tmpdir(), 'trellis-bench-temporal-'));
    stops.push(() => rm(temporalDir, { recursive: true, force: true }));
    const temporalServer = await startTemporalDevServer({ dataDir: temporalDir, namespace: 'default' });
    stops.push(() => temporalServer.stop());
    const catcher = new MailCatcher();
    await catcher.listen(0);
    stops.push(() => catcher.close());
    const port = await findFreePort();
    const adminKey = `trl_bench_${randomUUID()}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalServer.address,
      SMTP_URL: catcher.url,
      TRELLIS_ADMIN_KEY: adminKey,
      PORT: String(port),
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    };
    const connection = await Connection.connect({ address: temporalServer.address });
    stops.push(() => connection.close());
    const apiProcess = await startApp('dist/apps/api/src/main.js', env);
    stops.push(() => stopChild(apiProcess, 30_000));
    const workerProcess = await startApp('dist/apps/worker/src/main.js', env, options.workerArgv ?? []);
    stops.push(() => stopChild(workerProcess, 30_000));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    stops.push(() => db.end());
    return {
      api: new Api(`http://127.0.0.1:${port}`, adminKey),
      db,
      temporal: new Client({ connection }),
      catcher,
      meter: new CpuMeter({ worker: workerProcess.pid!, api: apiProcess.pid! }),
      servers:
        `PostgreSQL ${process.env['DATABASE_URL'] ? 'from DATABASE_URL' : '(embedded-postgres 18)'}, ` +
        `Temporal dev server (${resolveTemporalCli()} server start-dev, SQLite file), API and worker as child processes`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function machineLine(): string {
  return `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}`;
}

/**
 * Runs a benchmark's main and exits with its status. Explicitly: embedded-postgres's
 * beforeExit hook would otherwise end the process with status 0, and a failed run
 * would look like a successful one.
 */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
