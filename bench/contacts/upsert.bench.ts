// Contact upsert by email with three group paths, as HTTP load against the real API
// (a child process running dist/apps/api/src/main.js) beside the same operation as
// hand-written SQL over a pg pool at the same concurrency, in the same run.
//
//   npm run build && tsc -p bench/contacts/tsconfig.json
//   node dist/bench/contacts/upsert.bench.js [--seconds 10] [--connections 16] [--data-dir .trellis/bench-contacts]
//
// DATABASE_URL names a server to use instead of the embedded one; the benchmark
// creates (and drops first) its own database `trellis_bench_contacts` there.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { runMigrations } from '../../libs/domain/src/database/data-source-options.js';
import { stopChild } from '../../libs/platform/src/child-process.js';
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded-postgres.js';
import { findFreePort, preferPort } from '../../libs/platform/src/free-port.js';
import { READY_MESSAGE } from '../../libs/platform/src/shutdown.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const SECONDS = Number(args.seconds ?? 10);
const CONNECTIONS = Number(args.connections ?? 16);
/** API and SQL alternate in this many slices, so a load change on a shared machine hits both alike. */
const ROUNDS = Number(args.rounds ?? 5);
const DATA_DIR = path.resolve(args['data-dir'] ?? '.trellis/bench-contacts');
const DATABASE = 'trellis_bench_contacts';
const ADMIN_KEY = `trl_bench_${randomUUID()}`;
const TARGET_PER_SECOND = 1500;

/** Three paths in three trees, two and three levels deep. */
const PATHS = ['Travel offers/Greece/Crete', 'Newsletter/Weekly', 'Leads/Trade fairs/ITB 2026'];

/** Existing people that half of the measured upserts update (the warm-up creates them). */
const EXISTING = 5000;

/**
 * The workload, the same for the API and the hand-written SQL: even requests
 * create a new person, odd ones update an existing one (a changed first name).
 */
function upsertBody(run: string, index: number) {
  const email =
    index % 2 === 0 ? `${run}-${index}@bench.example` : `warm-${(index * 7919) % EXISTING}@bench.example`;
  return { email, firstName: `F${index}`, lastName: 'Bench', country: 'GR', groups: PATHS };
}

// ---------------------------------------------------------------- database

async function openDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env['DATABASE_URL'];
  if (configured) {
    const url = new URL(configured);
    url.pathname = `/${DATABASE}`;
    return { url: url.toString(), stop: async () => undefined };
  }
  await mkdir(DATA_DIR, { recursive: true });
  // The embedded server runs as the postgres user, which must be able to enter every parent folder.
  for (let folder = DATA_DIR; folder.startsWith(process.cwd() + path.sep); folder = path.dirname(folder)) {
    await chmod(folder, 0o755);
  }
  const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, database: DATABASE });
  return { url: server.url, stop: () => server.stop() };
}

async function recreateDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Creates the groups of PATHS with their closure rows. */
async function seedGroups(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const groupPath of PATHS) {
      let parent: string | null = null;
      for (const name of groupPath.split('/')) {
        const existing: pg.QueryResult<{ id: string }> = await client.query(
          'SELECT id FROM groups WHERE parent_id IS NOT DISTINCT FROM $1::uuid AND name = $2',
          [parent, name],
        );
        let id = existing.rows[0]?.id;
        if (!id) {
          id = (
            await client.query<{ id: string }>(
              'INSERT INTO groups (parent_id, name) VALUES ($1, $2) RETURNING id',
              [parent, name],
            )
          ).rows[0]!.id;
          await client.query(
            `INSERT INTO group_closure (ancestor_id, descendant_id, depth)
             SELECT $1::uuid, $1::uuid, 0 UNION ALL
             SELECT ancestor_id, $1::uuid, depth + 1 FROM group_closure WHERE descendant_id = $2::uuid`,
            [id, parent],
          );
        }
        parent = id;
      }
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- CPU accounting

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; 0 once it is gone. */
async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields 14 and 15, counted after the command name's closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of the embedded PostgreSQL: the postmaster and every process it started. */
async function postgresCpuSeconds(): Promise<number | undefined> {
  if (process.env['DATABASE_URL']) return undefined;
  const postmaster = Number(
    (await readFile(path.join(DATA_DIR, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  let total = await processCpuSeconds(postmaster);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parentPid === postmaster) total += await processCpuSeconds(Number(entry));
  }
  return total;
}

/** CPU seconds used by this process: the load generator, or the hand-written SQL's client. */
function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

// ---------------------------------------------------------------- the API

interface RunningApi {
  baseUrl: string;
  /** CPU seconds (user + system) the API process has used so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

async function startApi(databaseUrl: string): Promise<RunningApi> {
  // Below Linux's ephemeral range (32768+), where outgoing connections could take a port found free.
  const port = await preferPort(23_917);
  const [unusedTemporal, unusedSmtp] = [await findFreePort(), await findFreePort()];
  const child: ChildProcess = fork(path.resolve('dist/apps/api/src/main.js'), [], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      // Nothing listens there: the Temporal client is lazy, and no mail is sent.
      TEMPORAL_ADDRESS: `127.0.0.1:${unusedTemporal}`,
      SMTP_URL: `smtp://127.0.0.1:${unusedSmtp}`,
      TRELLIS_ADMIN_KEY: ADMIN_KEY,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // e.g. BENCH_API_EXEC_ARGV="--cpu-prof --cpu-prof-dir=.trellis/profiles" to profile the API.
    execArgv: process.env['BENCH_API_EXEC_ARGV']?.split(' ').filter(Boolean) ?? [],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} before it was ready`)));
    child.on('message', (message: { type?: string }) => {
      if (message?.type === READY_MESSAGE) resolve();
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: () => stopChild(child, 10_000),
  };
}

/** Latencies of successful operations (ms), failures and the time spent, over one or more rounds. */
interface Tally {
  samples: number[];
  failed: number;
  seconds: number;
  /** CPU seconds spent by each party while this side ran. */
  cpu: { api: number; postgres: number; client: number };
}

const emptyTally = (): Tally => ({
  samples: [],
  failed: 0,
  seconds: 0,
  cpu: { api: 0, postgres: 0, client: 0 },
});

/** Runs one slice of load and adds the CPU each party spent to the tally. */
async function accounted(api: RunningApi, tally: Tally, work: () => Promise<void>): Promise<void> {
  const before = {
    api: await api.cpuSeconds(),
    postgres: (await postgresCpuSeconds()) ?? 0,
    client: ownCpuSeconds(),
  };
  await work();
  tally.cpu.api += (await api.cpuSeconds()) - before.api;
  tally.cpu.postgres += ((await postgresCpuSeconds()) ?? 0) - before.postgres;
  tally.cpu.client += ownCpuSeconds() - before.client;
}

async function loadApi(baseUrl: string, run: string, seconds: number, tally: Tally): Promise<void> {
  let counter = 0;
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    [finish, fail] = [resolve, reject];
  });
  const instance = autocannon(
    {
      url: baseUrl,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/v1/contacts/upsert',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(upsertBody(run, counter++)) }),
        },
      ],
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 300) tally.samples.push(responseTime);
    else tally.failed++;
  });
  const result = await done;
  tally.failed += result.errors + result.timeouts;
  tally.seconds += result.duration;
}

// ---------------------------------------------------------------- hand-written SQL

const SQL = {
  resolvePaths: `
    WITH RECURSIVE path AS (
      SELECT ord, segments FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS p(segments, ord)
    ), walk AS (
      SELECT path.ord, 1 AS depth, g.id FROM path JOIN groups g ON g.parent_id IS NULL AND g.name = path.segments ->> 0
      UNION ALL
      SELECT walk.ord, walk.depth + 1, child.id FROM walk JOIN path ON path.ord = walk.ord
      JOIN groups child ON child.parent_id = walk.id AND child.name = path.segments ->> walk.depth
    )
    SELECT walk.id FROM path
    LEFT JOIN walk ON walk.ord = path.ord AND walk.depth = jsonb_array_length(path.segments)
    ORDER BY path.ord`,
  // Locks the row on update; RETURNING old.* needs PostgreSQL 18.
  upsertContact: `
    INSERT INTO contacts (kind, email, first_name, last_name, country) VALUES ('person', $1, $2, $3, $4)
    ON CONFLICT ((lower(email))) WHERE kind = 'person'
    DO UPDATE SET first_name = EXCLUDED.first_name, updated_at = now()
    RETURNING id, old.id IS NULL AS created, old.first_name AS "previousFirstName"`,
  // A new statement after the lock, so it sees every membership committed before.
  membershipsAndEvents: `
    WITH inserted AS (
      INSERT INTO group_memberships (contact_id, group_id, added_by, source)
      SELECT $1, group_id, 'bench', 'api' FROM unnest($2::uuid[]) AS g(group_id)
      ON CONFLICT DO NOTHING RETURNING group_id
    )
    INSERT INTO domain_events (type, contact_id, actor, payload)
    SELECT $3, $1, 'bench', $4::jsonb
    UNION ALL
    SELECT 'contact.added_to_group', $1, 'bench', jsonb_build_object(
      'groupId', inserted.group_id, 'source', 'api',
      'groupPath', ARRAY(SELECT g.name FROM group_closure up JOIN groups g ON g.id = up.ancestor_id
                         WHERE up.descendant_id = inserted.group_id ORDER BY up.depth DESC),
      'subtreesChanged', ARRAY(SELECT up.ancestor_id FROM group_closure up
                               WHERE up.descendant_id = inserted.group_id AND NOT EXISTS (
                                 SELECT 1 FROM group_memberships held
                                 JOIN group_closure covered ON covered.descendant_id = held.group_id
                                 WHERE held.contact_id = $1 AND covered.ancestor_id = up.ancestor_id)
                               ORDER BY up.depth))
    FROM inserted`,
};

async function upsertBySql(pool: pg.Pool, body: ReturnType<typeof upsertBody>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const groups = await client.query<{ id: string | null }>(SQL.resolvePaths, [
      JSON.stringify(body.groups.map((groupPath) => groupPath.split('/'))),
    ]);
    const groupIds = groups.rows.map((row) => row.id);
    if (groupIds.includes(null)) throw new Error('unknown group path');
    const contact = (
      await client.query<{ id: string; created: boolean; previousFirstName: string | null }>(
        SQL.upsertContact,
        [body.email, body.firstName, body.lastName, body.country],
      )
    ).rows[0]!;
    const [type, payload] = contact.created
      ? ['contact.created', { kind: 'person', fields: { email: body.email, firstName: body.firstName } }]
      : [
          'contact.updated',
          { changes: { firstName: { from: contact.previousFirstName, to: body.firstName } } },
        ];
    await client.query(SQL.membershipsAndEvents, [contact.id, groupIds, type, JSON.stringify(payload)]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function loadSql(pool: pg.Pool, run: string, seconds: number, tally: Tally): Promise<void> {
  let counter = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const begin = performance.now();
        try {
          await upsertBySql(pool, upsertBody(run, counter++));
          tally.samples.push(performance.now() - begin);
        } catch {
          tally.failed++;
        }
      }
    }),
  );
  tally.seconds += (performance.now() - started) / 1000;
}

/**
 * The commit ceiling of the machine: trivial insert transactions at the same
 * concurrency, without and with a pg_notify in each (what the domain_events trigger does).
 */
async function commitsPerSecond(pool: pg.Pool, notify: boolean, seconds = 3): Promise<number> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_commit_probe (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())',
  );
  let commits = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          await client.query('BEGIN');
          await client.query('INSERT INTO bench_commit_probe DEFAULT VALUES');
          if (notify) await client.query("SELECT pg_notify('bench_commit_probe', '')");
          await client.query('COMMIT');
          commits++;
        }
      } finally {
        client.release();
      }
    }),
  );
  return commits / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------- run

function row(name: string, tally: Tally): string {
  const sorted = tally.samples.toSorted((a, b) => a - b);
  const at = (quantile: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
  return [
    name.padEnd(44),
    Math.round(sorted.length / tally.seconds)
      .toLocaleString('en')
      .padStart(8),
    at(0.5).toFixed(1).padStart(8),
    at(0.99).toFixed(1).padStart(8),
    String(tally.failed).padStart(8),
  ].join('');
}

const perSecond = (tally: Tally) => tally.samples.length / tally.seconds;

async function main(): Promise<void> {
  const database = await openDatabase();
  let api: RunningApi | undefined;
  const pool = new pg.Pool({ connectionString: database.url, max: CONNECTIONS });
  try {
    await recreateDatabase(database.url);
    await runMigrations(database.url);
    await seedGroups(database.url);
    api = await startApi(database.url);

    // Warm-up: creates the EXISTING people that half of the measured requests update.
    for (let index = 0; index < EXISTING; index += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, offset) =>
          upsertBySql(pool, { ...upsertBody('warm', 0), email: `warm-${index + offset}@bench.example` }),
        ),
      );
    }
    await loadApi(api.baseUrl, 'api-warm', 3, emptyTally());
    await loadSql(pool, 'sql-warm', 2, emptyTally());

    const load = loadavg()[0]!;
    const [viaApi, viaSql] = [emptyTally(), emptyTally()];
    const slice = SECONDS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      const running = api;
      await accounted(running, viaApi, () => loadApi(running.baseUrl, `api-${round}`, slice, viaApi));
      await accounted(running, viaSql, () => loadSql(pool, `sql-${round}`, slice, viaSql));
    }

    console.log(
      `\ncontact upsert by email with ${PATHS.length} group paths; half new people, half updates; ` +
        `${SECONDS} s each at ${CONNECTIONS} connections, alternating in ${ROUNDS} rounds, on ${cpus().length} cores ` +
        `(API, PostgreSQL and load generator share them); load average before: ${load.toFixed(1)}\n`,
    );
    console.log(
      `${''.padEnd(44)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'failed'.padStart(8)}`,
    );
    console.log(row('API  POST /v1/contacts/upsert (autocannon)', viaApi));
    console.log(row('SQL  hand-written, 3 statements, pg pool', viaSql));
    const [plain, notifying] = [await commitsPerSecond(pool, false), await commitsPerSecond(pool, true)];
    console.log(
      `\ntrivial insert transactions at ${CONNECTIONS} connections: ${Math.round(plain).toLocaleString('en')}/s, ` +
        `${Math.round(notifying).toLocaleString('en')}/s with a pg_notify in each (notifying commits serialize)`,
    );
    const measuredPostgres = (await postgresCpuSeconds()) !== undefined;
    console.log(
      '\nCPU ms per upsert, from /proc (contention inflates these too; the ceiling is 2 cores / this cost):',
    );
    for (const [name, tally, parts] of [
      ['API', viaApi, ['api', 'postgres', 'client'] as const],
      ['SQL', viaSql, ['postgres', 'client'] as const],
    ] as const) {
      const perUpsert = (seconds: number) => (seconds / tally.samples.length) * 1000;
      const total = parts.reduce((sum, part) => sum + perUpsert(tally.cpu[part]), 0);
      const detail = parts
        .map(
          (part) =>
            `${part === 'client' ? (name === 'API' ? 'load generator' : 'pg client') : part} ${perUpsert(tally.cpu[part]).toFixed(2)}`,
        )
        .join(' + ');
      console.log(
        `  ${name}  ${detail} = ${total.toFixed(2)} ms` +
          (measuredPostgres
            ? `  -> CPU ceiling ${Math.round((cpus().length * 1000) / total).toLocaleString('en')}/s`
            : ''),
      );
    }
    console.log(
      `\nAPI at ${Math.round((perSecond(viaApi) / perSecond(viaSql)) * 100)}% of hand-written SQL; ` +
        `target ${TARGET_PER_SECOND.toLocaleString('en')} upserts/s ${perSecond(viaApi) >= TARGET_PER_SECOND ? 'met' : 'NOT met'}`,
    );
    if (viaApi.failed > 0 || viaSql.failed > 0) process.exitCode = 1;
  } finally {
    await pool.end();
    await api?.stop();
    await database.stop();
  }
}

await main();
// Exit explicitly: embedded-postgres's beforeExit hook would otherwise end the process with
// status 0, and failed requests (exitCode 1 above) would look like a clean run.
process.exit(process.exitCode ?? 0);
