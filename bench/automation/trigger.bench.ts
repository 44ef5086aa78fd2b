// Automation trigger latency and throughput on a real stack: the API and the
// worker as child processes (as in production), embedded PostgreSQL and the
// Temporal dev server (`temporal server start-dev`, SQLite file) started here.
//
//   npm run build && tsc -p bench/automation/tsconfig.json
//   node dist/bench/automation/trigger.bench.js [--adds 1000] [--rate 10] [--burst 10000] [--concurrency 64]
//     [--phases latency,burst]
//
// 1. Latency: contacts are added to Start/Greece through the API at --rate per
//    second; for each, from the API's answer (the membership transaction has
//    committed) to the workflow's start time as Temporal recorded it.
// 2. Throughput: one bulk request adds --burst contacts at once; the time until
//    Temporal has accepted every follow-up, beside a bare loop of the same number
//    of workflow starts from a client at the relay's concurrency, against the
//    same server in the same run.
//
// DATABASE_URL names a PostgreSQL to use instead of the embedded one; the
// benchmark creates (and drops first) its own database `trellis_bench_automation`.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import {
  AUTOMATION_TASK_QUEUE,
  FOLLOW_UP_INPUT_VERSION,
  WORKFLOW_TYPES,
} from '../../libs/domain/src/automation/workflow-contracts.js';
import { runMigrations } from '../../libs/domain/src/database/data-source-options.js';
import { stopChild } from '../../libs/platform/src/child-process.js';
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded-postgres.js';
import { findFreePort } from '../../libs/platform/src/free-port.js';
import { MailCatcher } from '../../libs/platform/src/mail-catcher.js';
import { READY_MESSAGE } from '../../libs/platform/src/shutdown.js';
import { resolveTemporalCli, startTemporalDevServer } from '../../libs/platform/src/temporal-dev-server.js';

const { values: args } = parseArgs({
  options: {
    adds: { type: 'string' },
    burst: { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    phases: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const ADDS = Number(args.adds ?? 1000);
const BURST = Number(args.burst ?? 10_000);
/** The relay's default number of Temporal calls in flight; the bare loop uses the same. */
const CONCURRENCY = Number(args.concurrency ?? 64);
/**
 * Adds per second in the latency phase: below what the server can start, so the
 * figure is the trigger path's latency and not a queue's (an unpaced loop of API
 * calls outruns a dev server that starts some 20–100 workflows a second).
 */
const RATE = Number(args.rate ?? 10);
const PHASES = new Set((args.phases ?? 'latency,burst').split(','));
const DATA_DIR = path.resolve(args['data-dir'] ?? '.trellis/bench-automation');
const DATABASE = 'trellis_bench_automation';
const ADMIN_KEY = `trl_bench_${randomUUID()}`;
/** One long wait: the follow-up starts, reports its wait, and sits there. */
const SEQUENCE = 'sequence "Bench follow-up" {\n  wait 7 days\n}';

function say(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------- services

async function openDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env['DATABASE_URL'];
  let url: string;
  let stop = async () => undefined as void;
  if (configured) {
    url = configured;
  } else {
    await mkdir(DATA_DIR, { recursive: true });
    for (let folder = DATA_DIR; folder.startsWith(process.cwd() + path.sep); folder = path.dirname(folder)) {
      await chmod(folder, 0o755);
    }
    const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, database: 'postgres' });
    url = server.url;
    stop = () => server.stop();
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${DATABASE}`;
  await runMigrations(target.toString());
  return { url: target.toString(), stop };
}

function startApp(entry: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = fork(path.resolve(entry), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string }) => {
      if (message?.type === READY_MESSAGE) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready`)));
  });
}

class Api {
  constructor(private readonly base: string) {}

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

// ---------------------------------------------------------------- measurements

async function createContacts(db: pg.Client, prefix: string, count: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO contacts (kind, email, first_name)
     SELECT 'person', $1 || '-' || n || '@bench.example', 'B' || n FROM generate_series(1, $2) n
     RETURNING id`,
    [prefix, count],
  );
  return rows.map((row) => row.id);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function latency(api: Api, db: pg.Client, temporal: Client, groupId: string) {
  const contacts = await createContacts(db, 'latency', ADDS);
  const committed = new Map<string, number>();
  const began = performance.now();
  for (const [index, contactId] of contacts.entries()) {
    const due = began + (index * 1000) / RATE;
    const early = due - performance.now();
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    await api.call('PUT', `/v1/contacts/${contactId}/groups/${groupId}`);
    committed.set(contactId, Date.now());
  }
  await waitFor(async () => {
    const { rows } = await db.query<{ count: number }>(
      `SELECT (SELECT count(*) FROM sequence_entries WHERE contact_id = ANY($1::uuid[]))::int
            - (SELECT count(*) FROM automation_commands)::int AS count`,
      [contacts],
    );
    return rows[0]!.count === contacts.length;
  }, 120_000);
  const { rows } = await db.query<{ workflowId: string; contactId: string }>(
    `SELECT workflow_id AS "workflowId", contact_id AS "contactId" FROM sequence_entries WHERE contact_id = ANY($1::uuid[])`,
    [contacts],
  );
  const latencies: number[] = [];
  for (const row of rows) {
    const description = await temporal.workflow.getHandle(row.workflowId).describe();
    latencies.push(description.startTime.getTime() - committed.get(row.contactId)!);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)! };
}

async function burst(api: Api, db: pg.Client, groupId: string) {
  const contacts = await createContacts(db, 'burst', BURST);
  const started = performance.now();
  for (let i = 0; i < contacts.length; i += 10_000) {
    await api.call('POST', '/v1/contacts/bulk', {
      action: 'addToGroup',
      target: { ids: contacts.slice(i, i + 10_000) },
      groupId,
    });
  }
  const committed = performance.now();
  await waitFor(async () => {
    const { rows } = await db.query<{ entries: number; pending: number }>(
      `SELECT (SELECT count(*) FROM sequence_entries WHERE contact_id = ANY($1::uuid[]))::int AS entries,
              (SELECT count(*) FROM automation_commands)::int AS pending`,
      [contacts],
    );
    return rows[0]!.entries === contacts.length && rows[0]!.pending === 0;
  }, 1_800_000);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: BURST / seconds, commitSeconds: (committed - started) / 1000 };
}

async function bareLoop(temporal: Client) {
  const run = randomUUID().slice(0, 8);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < BURST; i = next++) {
      await temporal.workflow.start(WORKFLOW_TYPES.followUpSequence, {
        taskQueue: AUTOMATION_TASK_QUEUE,
        workflowId: `bench-bare/${run}/${i}`,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [
          {
            definitionVersion: FOLLOW_UP_INPUT_VERSION,
            automationVersionId: randomUUID(),
            sequence: { name: 'Bare', steps: [{ type: 'wait', seconds: 604_800 }] },
            contactId: randomUUID(),
            entryId: String(i),
          },
        ],
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: BURST / seconds };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const database = await openDatabase();
  const temporalDir = await mkdtemp(path.join(tmpdir(), 'trellis-bench-temporal-'));
  const temporalServer = await startTemporalDevServer({ dataDir: temporalDir, namespace: 'default' });
  const catcher = new MailCatcher();
  await catcher.listen(0);
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    SMTP_URL: catcher.url,
    TRELLIS_ADMIN_KEY: ADMIN_KEY,
    PORT: String(port),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  };
  const children: ChildProcess[] = [];
  const connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection });
  const db = new pg.Client({ connectionString: database.url });
  try {
    children.push(await startApp('dist/apps/api/src/main.js', env));
    children.push(await startApp('dist/apps/worker/src/main.js', env));
    await db.connect();
    const api = new Api(`http://127.0.0.1:${port}`);
    const start = await api.call<{ id: string }>('POST', '/v1/groups', { name: 'Start' });
    const greece = await api.call<{ id: string }>('POST', '/v1/groups', {
      name: 'Greece',
      parentId: start.id,
    });
    const automation = await api.call<{ id: string }>('POST', '/v1/automations', {
      name: 'Bench',
      source: `when added to Start/Greece start sequence "Bench follow-up"\n${SEQUENCE}`,
    });
    await api.call('POST', `/v1/automations/${automation.id}/activate`, {});

    say(
      `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
    );
    say(
      `servers: PostgreSQL ${process.env['DATABASE_URL'] ? 'from DATABASE_URL' : '(embedded-postgres 18)'}, ` +
        `Temporal dev server (${resolveTemporalCli()} server start-dev, SQLite file), API and worker as child processes`,
    );
    if (PHASES.has('latency')) {
      const measured = await latency(api, db, temporal, greece.id);
      say(
        `trigger latency over ${ADDS} adds through the API at ${RATE}/s (API answer → workflow start): ` +
          `p50 ${measured.p50} ms, p99 ${measured.p99} ms, max ${measured.max} ms`,
      );
    }
    if (!PHASES.has('burst')) return;
    const relayed = await burst(api, db, greece.id);
    say(
      `${BURST} contacts added at once (bulk API, ${relayed.commitSeconds.toFixed(1)} s to commit): ` +
        `all follow-ups started after ${relayed.seconds.toFixed(1)} s = ${relayed.perSecond.toFixed(0)} starts/s`,
    );
    const bare = await bareLoop(temporal);
    say(
      `baseline, bare loop of ${BURST} workflow starts at concurrency ${CONCURRENCY}: ` +
        `${bare.seconds.toFixed(1)} s = ${bare.perSecond.toFixed(0)} starts/s`,
    );
    say(`relay throughput is ${((relayed.perSecond / bare.perSecond) * 100).toFixed(0)} % of the bare loop`);
  } finally {
    await db.end().catch(() => undefined);
    for (const child of children.reverse()) await stopChild(child, 30_000);
    await connection.close();
    await temporalServer.stop();
    await catcher.close();
    await database.stop();
    await rm(temporalDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
