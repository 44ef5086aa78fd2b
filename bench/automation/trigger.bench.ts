// Automation trigger latency and throughput on a real stack: the API and the
// worker as child processes (as in production), embedded PostgreSQL and the
// Temporal dev server (`temporal server start-dev`, SQLite file) started here.
//
//   npm run build && tsc -p bench/automation/tsconfig.json
//   node dist/bench/automation/trigger.bench.js [--adds 1000] [--rate 10] [--burst 10000] [--rounds 2]
//     [--warmup 200] [--concurrency 64] [--phases latency,burst] [--worker-cpu-prof <dir>]
//
// 1. Latency: contacts are added to Start/Greece through the API at --rate per
//    second; for each, from the API's answer (the membership transaction has
//    committed) to the workflow's start time as Temporal recorded it.
// 2. Throughput: rounds of two phases against the same server. Relay burst: one
//    bulk request adds --burst contacts at once; the time until Temporal has
//    accepted every follow-up. Bare loop: the same number of workflow starts from
//    a client at the relay's concurrency. The worker runs throughout and executes
//    both sides' workflows; the order alternates per round, and each phase begins
//    once the worker and the server are idle, so neither side inherits the
//    other's backlog or a warmer server. CPU per process (from /proc), machine
//    load and starts per second over time are printed for each phase.
//
// DATABASE_URL names a PostgreSQL to use instead of the embedded one; the
// benchmark creates (and drops first) its own database `trellis_bench_automation`.
// --worker-cpu-prof writes a V8 CPU profile of the worker into a folder when it stops.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import {
  AUTOMATION_TASK_QUEUE,
  FOLLOW_UP_INPUT_VERSION,
  WORKFLOW_TYPES,
} from '../../libs/domain/src/automation/workflow-contracts.js';
import {
  type Api,
  createContacts,
  type CpuMeter,
  cpuLine,
  cpuSeconds,
  machineLine,
  type Role,
  runBenchmark,
  startStack,
} from './stack.js';

const { values: args } = parseArgs({
  options: {
    adds: { type: 'string' },
    burst: { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    phases: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    'data-dir': { type: 'string' },
    'worker-cpu-prof': { type: 'string' },
    trace: { type: 'boolean' },
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
/** Rounds of relay burst and bare loop, alternating which goes first. */
const ROUNDS = Number(args.rounds ?? 2);
/** Relayed and bare starts before the rounds, not counted: both paths and the server warm. */
const WARMUP = Number(args.warmup ?? 200);
const PHASES = new Set((args.phases ?? 'latency,burst').split(','));
const DATA_DIR = path.resolve(args['data-dir'] ?? '.trellis/bench-automation');
const DATABASE = 'trellis_bench_automation';
/** One long wait: the follow-up starts, reports its wait, and sits there. */
const SEQUENCE = 'sequence "Bench follow-up" {\n  wait 7 days\n}';

function say(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------- measurements

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

/** Tasks the server holds for the worker (approximate; the server refreshes it every few seconds). */
async function taskBacklog(temporal: Client, kind: 'workflow' | 'activity'): Promise<number> {
  const response = await temporal.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: AUTOMATION_TASK_QUEUE },
    taskQueueType: kind === 'workflow' ? 1 : 2,
    reportStats: true,
  });
  return Number(response.stats?.approximateBacklogCount ?? 0);
}

/**
 * Waits until the worker has run the first tasks of every workflow started so far
 * (no task backlog) and it and the Temporal server are idle: each phase then starts
 * from the same state, and neither inherits the work the other left. On this
 * server the worker runs few tasks while starts are coming in, so this wait is
 * about as long as a phase.
 */
async function settle(meter: CpuMeter, db: pg.Client, temporal: Client): Promise<void> {
  const stopTrace = trace(meter, db, temporal, 'settle');
  const began = performance.now();
  const deadline = Date.now() + 900_000;
  let previous = await meter.sample();
  for (let quiet = 0; quiet < 4 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await meter.sample();
    const busy =
      (cpuSeconds(previous, next, 'worker') + cpuSeconds(previous, next, 'temporal')) /
      ((next.at - previous.at) / 1000);
    const backlog = (await taskBacklog(temporal, 'workflow')) + (await taskBacklog(temporal, 'activity'));
    quiet = busy < 0.15 && backlog === 0 ? quiet + 1 : 0;
    previous = next;
  }
  await stopTrace();
  const waited = (performance.now() - began) / 1000;
  if (Date.now() >= deadline) say(`(worker still busy after ${waited.toFixed(0)} s; measuring anyway)`);
  else if (waited > 5)
    say(`(waited ${waited.toFixed(0)} s for the worker to run the workflows started before)`);
}

/**
 * With --trace, every second while a phase runs or settles: CPU per role and how
 * far the relayed follow-ups have come (entries decided, commands left, entries
 * whose first activity has recorded the wait).
 */
function trace(meter: CpuMeter, db: pg.Client, temporal: Client, label: string): () => Promise<void> {
  if (!args.trace) return async () => undefined;
  let stopped = false;
  const began = performance.now();
  const running = (async () => {
    let previous = await meter.sample();
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const next = await meter.sample();
      const seconds = (next.at - previous.at) / 1000;
      const share = (role: Role | 'bench') =>
        ((cpuSeconds(previous, next, role) / seconds) * 100).toFixed(0).padStart(3);
      const { rows } = await db.query<{ entries: number; waiting: number; pending: number }>(
        `SELECT (SELECT count(*) FROM sequence_entries)::int AS entries,
                (SELECT count(*) FROM sequence_entries WHERE status = 'waiting')::int AS waiting,
                (SELECT count(*) FROM automation_commands)::int AS pending`,
      );
      say(
        `  [${label} ${((next.at - began) / 1000).toFixed(0).padStart(3)} s] worker ${share('worker')} ` +
          `Temporal ${share('temporal')} pg ${share('postgres')} bench ${share('bench')} | entries ${rows[0]!.entries} ` +
          `commands ${rows[0]!.pending} waiting ${rows[0]!.waiting} | task backlog: workflow ` +
          `${await taskBacklog(temporal, 'workflow')}, activity ${await taskBacklog(temporal, 'activity')}`,
      );
      previous = next;
    }
  })();
  return async () => {
    stopped = true;
    await running;
  };
}

/** Starts per second in buckets from the phase's start, as Temporal recorded the start times. */
async function timeline(temporal: Client, since: number, prefix: string, seconds: number): Promise<string> {
  const times: number[] = [];
  const query = `WorkflowType = '${WORKFLOW_TYPES.followUpSequence}' AND StartTime >= '${new Date(since - 1000).toISOString()}'`;
  for await (const execution of temporal.workflow.list({ query })) {
    if (execution.workflowId.startsWith(prefix)) times.push(execution.startTime.getTime() - since);
  }
  const bucket = Math.max(1, Math.ceil(seconds / 15));
  const counts = Array.from({ length: Math.ceil(seconds / bucket) }, () => 0);
  for (const time of times)
    counts[Math.min(counts.length - 1, Math.max(0, Math.floor(time / 1000 / bucket)))]! += 1;
  return `starts/s per ${bucket} s: ${counts.map((count) => (count / bucket).toFixed(0)).join(' ')}`;
}

// ---------------------------------------------------------------- throughput

interface Phase {
  seconds: number;
  perSecond: number;
  began: number;
  detail: string;
}

async function relayBurst(api: Api, db: pg.Client, groupId: string, size: number): Promise<Phase> {
  const contacts = await createContacts(db, `burst-${randomUUID().slice(0, 8)}`, size);
  const count = async () => {
    const { rows } = await db.query<{ entries: number; pending: number }>(
      `SELECT (SELECT count(*) FROM sequence_entries)::int AS entries,
              (SELECT count(*) FROM automation_commands)::int AS pending`,
    );
    return rows[0]!;
  };
  const before = (await count()).entries;
  const began = Date.now();
  const started = performance.now();
  for (let i = 0; i < contacts.length; i += 10_000) {
    await api.call('POST', '/v1/contacts/bulk', {
      action: 'addToGroup',
      target: { ids: contacts.slice(i, i + 10_000) },
      groupId,
    });
  }
  const committed = performance.now();
  // Every 100 ms: a cheap poll, so the watching takes little from the machine being measured.
  const deadline = Date.now() + 1_800_000;
  for (;;) {
    const { entries, pending } = await count();
    if (entries - before >= size && pending === 0) break;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    perSecond: size / seconds,
    began,
    detail: `bulk API ${((committed - started) / 1000).toFixed(1)} s to commit`,
  };
}

async function bareLoop(temporal: Client, size: number, prefix: string): Promise<Phase> {
  let next = 0;
  const began = Date.now();
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < size; i = next++) {
      await temporal.workflow.start(WORKFLOW_TYPES.followUpSequence, {
        taskQueue: AUTOMATION_TASK_QUEUE,
        workflowId: `${prefix}${i}`,
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
  return { seconds, perSecond: size / seconds, began, detail: `concurrency ${CONCURRENCY}` };
}

interface Round {
  relay: Phase;
  bare: Phase;
}

/**
 * Rounds of one relay burst and one bare loop, in alternating order, each phase
 * from an idle worker and server, with the same worker executing both sides'
 * workflows: a warm or cold server, or a SQLite file grown by the other side,
 * favours neither.
 */
async function throughput(api: Api, db: pg.Client, temporal: Client, meter: CpuMeter, groupId: string) {
  if (WARMUP > 0) {
    await relayBurst(api, db, groupId, WARMUP);
    await bareLoop(temporal, WARMUP, `bench-warmup/${randomUUID().slice(0, 8)}/`);
    say(`warm-up: ${WARMUP} relayed and ${WARMUP} bare starts (not counted)`);
  }
  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order: ('relay' | 'bare')[] = round % 2 === 1 ? ['relay', 'bare'] : ['bare', 'relay'];
    const phases: Partial<Round> = {};
    for (const side of order) {
      await settle(meter, db, temporal);
      const from = await meter.sample();
      const stopTrace = trace(meter, db, temporal, side);
      const prefix = side === 'relay' ? 'follow-up/' : `bench-bare/${randomUUID().slice(0, 8)}/`;
      const phase =
        side === 'relay'
          ? await relayBurst(api, db, groupId, BURST)
          : await bareLoop(temporal, BURST, prefix);
      const to = await meter.sample();
      await stopTrace();
      phases[side] = phase;
      say(
        `round ${round}, ${side === 'relay' ? 'relay burst' : 'bare loop  '}: ${BURST} starts in ` +
          `${phase.seconds.toFixed(1)} s = ${phase.perSecond.toFixed(0)}/s (${phase.detail})`,
      );
      say(`  ${cpuLine(from, to)}`);
      say(`  ${await timeline(temporal, phase.began, prefix, phase.seconds)}`);
    }
    const { relay, bare } = phases as Round;
    rounds.push({ relay, bare });
    say(
      `round ${round}: relay is ${((relay.perSecond / bare.perSecond) * 100).toFixed(0)} % of the bare loop`,
    );
  }
  const total = (side: 'relay' | 'bare') => rounds.reduce((sum, round) => sum + round[side].seconds, 0);
  const relayRate = (BURST * rounds.length) / total('relay');
  const bareRate = (BURST * rounds.length) / total('bare');
  say(
    `${rounds.length} round(s) of ${BURST}: relay ${relayRate.toFixed(0)} starts/s, bare loop ${bareRate.toFixed(0)} starts/s: ` +
      `relay throughput is ${((relayRate / bareRate) * 100).toFixed(0)} % of the bare loop ` +
      `(per round: ${rounds.map((round) => `${((round.relay.perSecond / round.bare.perSecond) * 100).toFixed(0)} %`).join(', ')})`,
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const workerArgv = args['worker-cpu-prof']
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['worker-cpu-prof'])}`]
    : [];
  const stack = await startStack({ database: DATABASE, dataDir: DATA_DIR, workerArgv });
  const { api, db, temporal, meter } = stack;
  try {
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

    say(machineLine());
    say(`servers: ${stack.servers}`);
    if (PHASES.has('latency')) {
      const measured = await latency(api, db, temporal, greece.id);
      say(
        `trigger latency over ${ADDS} adds through the API at ${RATE}/s (API answer → workflow start): ` +
          `p50 ${measured.p50} ms, p99 ${measured.p99} ms, max ${measured.max} ms`,
      );
    }
    if (PHASES.has('burst')) await throughput(api, db, temporal, meter, greece.id);
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
