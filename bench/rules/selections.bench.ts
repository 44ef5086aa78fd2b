// Count queries of compiled selections on the generated data set (bench/data), beside a
// hand-written query for the same selection and a naive ORM-style query (TypeORM
// QueryBuilder with joins and IN lists), in the same run, interleaved, on the same
// connection. Prints p50 and p95 in milliseconds. See bench/README.md.
//
//   node dist/bench/rules/selections.bench.js [--iterations 30] [--data-dir .trellis/bench] [--explain]
import 'reflect-metadata';
import os from 'node:os';
import pg from 'pg';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { compileSelection, type CompiledSelection } from '../../libs/rules/src/index.js';
import { createDataSourceOptions } from '../../libs/domain/src/database/data-source-options.js';
import { Transactions } from '../../libs/domain/src/database/transactions.js';
import { EmptyAutomationCatalog } from '../../libs/domain/src/rules/automation-catalog.js';
import { RuleCatalogRepository } from '../../libs/domain/src/rules/rule-catalog.repository.js';
import { RuleCatalogService } from '../../libs/domain/src/rules/rule-catalog.service.js';
import {
  HASHED_SUBPLAN_WORK_MEM,
  SelectionQueryRepository,
} from '../../libs/domain/src/selections/selection-query.repository.js';
import { runsAsJoins } from '../../libs/domain/src/selections/selection-plan.js';
import { SelectionQueryService } from '../../libs/domain/src/selections/selection-query.service.js';
import { SelectionRepository } from '../../libs/domain/src/selections/selection.repository.js';
import { DEFAULT_BENCH_DATA_DIR, intOption, openBenchDatabase, parseArgs } from '../data/bench-database.js';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string' },
    'data-dir': { type: 'string' },
    explain: { type: 'boolean' },
    only: { type: 'string' },
  },
});
const ITERATIONS = intOption(args.iterations, 30);

/** Ids and names the hand-written and naive queries look up first, as their authors would. */
interface Lookups {
  group(path: string): Promise<string>;
  subtree(path: string): Promise<string[]>;
  tag(name: string): Promise<string>;
  segment(name: string): Promise<string>;
}

interface Case {
  name: string;
  rule: string;
  /** Settings the hand-written query needs (the compiled one gets what the product sets). */
  settings?: string;
  /** The best query for the selection a person would write by hand, with its params. */
  handWritten(lookups: Lookups): Promise<{ sql: string; params: unknown[] }>;
  /** What a typical ORM-based filter builder produces: joins, DISTINCT and expanded IN lists. */
  naive(qb: () => SelectQueryBuilder<object>, lookups: Lookups): Promise<SelectQueryBuilder<object>>;
}

const CASES: Case[] = [
  {
    name: 'Greece leads',
    rule: 'in Travel/Greece and not in Customers and subscribed',
    handWritten: async (l) => ({
      sql: `SELECT count(*)::int FROM contacts c
            WHERE c.consent = $3
              AND EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY($1))
              AND NOT EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY($2))`,
      params: [await l.subtree('Travel/Greece'), await l.subtree('Customers'), 'subscribed'],
    }),
    naive: async (qb, l) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .innerJoin('group_memberships', 'gm', 'gm.contact_id = c.id')
        .where('gm.group_id IN (:...greece)', { greece: await l.subtree('Travel/Greece') })
        .andWhere(
          'c.id NOT IN (SELECT gm2.contact_id FROM group_memberships gm2 WHERE gm2.group_id IN (:...customers))',
          { customers: await l.subtree('Customers') },
        )
        .andWhere('c.consent = :consent', { consent: 'subscribed' }),
  },
  {
    name: 'one group, exactly',
    rule: 'in exactly Travel/Greece and subscribed',
    handWritten: async (l) => ({
      sql: `SELECT count(*)::int FROM group_memberships gm JOIN contacts c ON c.id = gm.contact_id
            WHERE gm.group_id = $1 AND c.consent = $2`,
      params: [await l.group('Travel/Greece'), 'subscribed'],
    }),
    naive: async (qb, l) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .innerJoin('group_memberships', 'gm', 'gm.contact_id = c.id')
        .where('gm.group_id IN (:...ids)', { ids: [await l.group('Travel/Greece')] })
        .andWhere('c.consent = :consent', { consent: 'subscribed' }),
  },
  {
    name: 'hot or VIP, subscribed',
    rule: '(in Interested/Hot or tagged "vip") and subscribed',
    // Alternatives over two tables cannot be one join; hashed subplans need the memory.
    settings: "SET work_mem = '64MB'",
    handWritten: async (l) => ({
      sql: `SELECT count(*)::int FROM contacts c
            WHERE c.consent = $3
              AND (c.id IN (SELECT gm.contact_id FROM group_memberships gm WHERE gm.group_id = ANY($1))
                   OR c.id IN (SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id = $2))`,
      params: [await l.subtree('Interested/Hot'), await l.tag('vip'), 'subscribed'],
    }),
    naive: async (qb, l) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .leftJoin('group_memberships', 'gm', 'gm.contact_id = c.id AND gm.group_id IN (:...hot)', {
          hot: await l.subtree('Interested/Hot'),
        })
        .leftJoin('contact_tags', 'ct', 'ct.contact_id = c.id AND ct.tag_id = :tag', {
          tag: await l.tag('vip'),
        })
        .where('(gm.contact_id IS NOT NULL OR ct.contact_id IS NOT NULL)')
        .andWhere('c.consent = :consent', { consent: 'subscribed' }),
  },
  {
    name: 'tag and custom number',
    rule: 'tagged "vip" and budget >= 10000',
    // Through the tag's name, so the planner expects one tag and probes contacts per tagged
    // one. A budget that is not a JSON number counts as missing, so the cast needs a guard.
    handWritten: async () => ({
      sql: `SELECT count(*)::int FROM tags t JOIN contact_tags ct ON ct.tag_id = t.id JOIN contacts c ON c.id = ct.contact_id
            WHERE lower(t.name) = $1
              AND CASE WHEN jsonb_typeof(c.custom -> 'budget') = 'number' THEN (c.custom ->> 'budget')::numeric >= $2 END`,
      params: ['vip', 10000],
    }),
    naive: async (qb) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .innerJoin('contact_tags', 'ct', 'ct.contact_id = c.id')
        .innerJoin('tags', 't', 't.id = ct.tag_id')
        .where('lower(t.name) = :tag', { tag: 'vip' })
        .andWhere("(c.custom ->> 'budget')::numeric >= :budget", { budget: 10000 }),
  },
  {
    name: 'segment minus a subtree',
    rule: 'in segment "Segment 1" and not in Newsletter',
    handWritten: async (l) => ({
      sql: `SELECT count(*)::int FROM segment_members sm
            WHERE sm.segment_id = $1
              AND NOT EXISTS (SELECT 1 FROM group_memberships gm
                              WHERE gm.contact_id = sm.contact_id AND gm.group_id = ANY($2))`,
      params: [await l.segment('Segment 1'), await l.subtree('Newsletter')],
    }),
    naive: async (qb, l) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .innerJoin('segment_members', 'sm', 'sm.contact_id = c.id')
        .innerJoin('segments', 's', 's.id = sm.segment_id')
        .where('s.name = :segment', { segment: 'Segment 1' })
        .andWhere(
          'c.id NOT IN (SELECT gm.contact_id FROM group_memberships gm WHERE gm.group_id IN (:...newsletter))',
          { newsletter: await l.subtree('Newsletter') },
        ),
  },
  {
    name: 'two big subtrees (or)',
    rule: 'in Customers or in Newsletter',
    handWritten: async (l) => ({
      sql: `SELECT count(DISTINCT gm.contact_id)::int FROM group_memberships gm WHERE gm.group_id = ANY($1)`,
      params: [[...(await l.subtree('Customers')), ...(await l.subtree('Newsletter'))]],
    }),
    naive: async (qb, l) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .innerJoin('group_memberships', 'gm', 'gm.contact_id = c.id')
        .where('gm.group_id IN (:...ids)', {
          ids: [...(await l.subtree('Customers')), ...(await l.subtree('Newsletter'))],
        }),
  },
  {
    name: 'fields only (scan)',
    rule: 'city one of ("Berlin", "München") and country = "DE" and email ends with "@mail.example"',
    handWritten: async () => ({
      sql: `SELECT count(*)::int FROM contacts c
            WHERE c.city = ANY($1) AND c.country = $2 AND lower(c.email) LIKE $3`,
      params: [['Berlin', 'München'], 'DE', '%@mail.example'],
    }),
    naive: async (qb) =>
      qb()
        .select('COUNT(DISTINCT c.id)', 'count')
        .from('contacts', 'c')
        .where('c.city IN (:...cities)', { cities: ['Berlin', 'München'] })
        .andWhere('c.country = :country', { country: 'DE' })
        .andWhere('lower(c.email) LIKE :email', { email: '%@mail.example' }),
  },
];

interface Stats {
  p50: number;
  p95: number;
}

/** Longest one query may take before its variant is reported as timed out. */
const TIMEOUT_MS = 60_000;
const TIMED_OUT: Stats = { p50: Infinity, p95: Infinity };

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

/**
 * Runs the variants in turn, rotating which goes first, so load changes hit all of them
 * alike. A variant that times out once is reported as such and not run again.
 */
async function interleaved(variants: (() => Promise<unknown>)[]): Promise<Stats[]> {
  const samples = variants.map((): number[] => []);
  const timedOut = variants.map(() => false);
  const run = async (which: number, record: boolean) => {
    if (timedOut[which]) return;
    const begin = performance.now();
    try {
      await variants[which]!();
    } catch (error) {
      if (!/statement timeout/.test(String(error))) throw error;
      timedOut[which] = true;
      return;
    }
    if (record) samples[which]!.push(performance.now() - begin);
  };
  for (let warm = 0; warm < 2; warm++)
    for (let which = 0; which < variants.length; which++) await run(which, false);
  for (let index = 0; index < ITERATIONS; index++) {
    for (let turn = 0; turn < variants.length; turn++) await run((index + turn) % variants.length, true);
  }
  return samples.map((list, which) => (timedOut[which] ? TIMED_OUT : stats(list)));
}

const ms = (value: number) =>
  (value === Infinity ? `>${TIMEOUT_MS / 1000}s` : value < 10 ? value.toFixed(2) : value.toFixed(0)).padStart(
    7,
  );
const pair = (s: Stats) => `${ms(s.p50)} ${ms(s.p95)}`;

async function connect(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: `trellis-bench-selections-${name}`,
  });
  await client.connect();
  await client.query(`SET statement_timeout = ${TIMEOUT_MS}`);
  return client;
}

async function main(): Promise<void> {
  const database = await openBenchDatabase(args['data-dir'] ?? DEFAULT_BENCH_DATA_DIR);
  const dataSource = new DataSource({
    ...createDataSourceOptions(database.url),
    extra: {
      max: 2,
      application_name: 'trellis-bench-selections',
      options: `-c statement_timeout=${TIMEOUT_MS}`,
    },
  });
  const clients: pg.Client[] = [];
  try {
    await dataSource.initialize();
    const lookupClient = await connect(database.url, 'lookups');
    const handClient = await connect(database.url, 'hand-written');
    const compiledClient = await connect(database.url, 'compiled');
    clients.push(lookupClient, handClient, compiledClient);
    const transactions = new Transactions(dataSource);
    const catalogs = new RuleCatalogService(
      transactions,
      new RuleCatalogRepository(),
      new SelectionRepository(),
      new EmptyAutomationCatalog(),
    );
    const selections = new SelectionQueryService(transactions, catalogs, new SelectionQueryRepository());

    const one = async (sql: string, params: unknown[] = []) =>
      (await lookupClient.query(sql, params)).rows[0]!;
    const size = await one(
      `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM groups)::int AS groups,
              (SELECT count(*) FROM group_memberships)::int AS memberships,
              current_setting('server_version') AS version, current_setting('work_mem') AS work_mem,
              current_setting('shared_buffers') AS shared_buffers,
              current_setting('max_parallel_workers_per_gather') AS parallel`,
    );
    if (size.contacts === 0) throw new Error('no data: run node dist/bench/data/generate.js first');
    const pathId = async (path: string): Promise<string> => {
      let parent: string | null = null;
      for (const name of path.split('/')) {
        const row = await one('SELECT id FROM groups WHERE name = $1 AND parent_id IS NOT DISTINCT FROM $2', [
          name,
          parent,
        ]);
        parent = row.id as string;
      }
      return parent!;
    };
    const lookups: Lookups = {
      group: pathId,
      subtree: async (path) =>
        (
          await lookupClient.query('SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1', [
            await pathId(path),
          ])
        ).rows.map((row) => row.id as string),
      tag: async (name) =>
        (await one('SELECT id FROM tags WHERE lower(name) = lower($1)', [name])).id as string,
      segment: async (name) => (await one('SELECT id FROM segments WHERE name = $1', [name])).id as string,
    };
    const greece = await lookups.subtree('Travel/Greece');
    const greeceMembers = await one(
      'SELECT count(*)::int AS memberships, count(DISTINCT contact_id)::int AS contacts FROM group_memberships WHERE group_id = ANY($1)',
      [greece],
    );
    console.log(
      `data: ${size.contacts.toLocaleString('en')} contacts, ${size.groups.toLocaleString('en')} groups, ` +
        `${size.memberships.toLocaleString('en')} memberships; Travel/Greece: ${greece.length} groups, ` +
        `${greeceMembers.memberships.toLocaleString('en')} memberships of ${greeceMembers.contacts.toLocaleString('en')} contacts\n` +
        `PostgreSQL ${size.version} (work_mem ${size.work_mem}, shared_buffers ${size.shared_buffers}, ` +
        `${size.parallel} parallel workers per query), ${os.cpus().length} cores; ` +
        `${ITERATIONS} runs each after 2 warm-ups, interleaved; milliseconds\n`,
    );

    console.log(
      `${'selection'.padEnd(24)} ${'matches'.padStart(9)}  ${'hand-written'.padStart(15)}  ` +
        `${'compiled'.padStart(15)}  ${'ratio'.padStart(5)}  ${'naive ORM'.padStart(15)}  ${'evaluate()'.padStart(15)}`,
    );
    console.log(
      `${''.padEnd(24)} ${''.padStart(9)}  ${'p50     p95'.padStart(15)}  ${'p50     p95'.padStart(15)}  ` +
        `${'p50'.padStart(5)}  ${'p50     p95'.padStart(15)}  ${'p50     p95'.padStart(15)}`,
    );
    for (const selection of CASES) {
      if (args.only && !selection.name.includes(args.only)) continue;
      const target = { source: `selection "${selection.name}" = ${selection.rule}` };
      const condition = await selections.conditionOf(target);
      const compiled: CompiledSelection = compileSelection(condition);
      const hand = await selection.handWritten(lookups);
      const naive = await selection.naive(() => dataSource.createQueryBuilder(), lookups);
      const [naiveSql, naiveParams] = naive.getQueryAndParameters();
      // Each variant runs with its settings: the compiled query with what the product sets.
      await handClient.query('RESET work_mem');
      if (selection.settings) await handClient.query(selection.settings);
      await compiledClient.query('RESET work_mem');
      const hashed = !runsAsJoins(condition);
      if (hashed) await compiledClient.query(`SET work_mem = '${HASHED_SUBPLAN_WORK_MEM}'`);

      const matches = Number(Object.values((await handClient.query(hand.sql, hand.params)).rows[0]!)[0]);
      const compiledCount = (await compiledClient.query(compiled.countSql, compiled.params)).rows[0]!.count;
      if (compiledCount !== matches) {
        throw new Error(`${selection.name}: compiled counts ${compiledCount}, hand-written ${matches}`);
      }
      if (args.explain) {
        for (const [label, client, sql, params] of [
          ['compiled', compiledClient, compiled.countSql, compiled.params],
          ['hand-written', handClient, hand.sql, hand.params],
        ] as const) {
          const plan = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${sql}`, [...params]);
          console.log(
            `-- ${selection.name}: ${label}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
          );
        }
      }
      const [handStats, compiledStats, naiveStats, serviceStats] = await interleaved([
        () => handClient.query(hand.sql, hand.params),
        () => compiledClient.query(compiled.countSql, compiled.params),
        async () => {
          const [row] = (await dataSource.query(naiveSql, naiveParams)) as { count: string }[];
          if (Number(row!.count) !== matches)
            throw new Error(`${selection.name}: the naive query counts ${row!.count}`);
        },
        () => selections.evaluate(target, { limit: 50 }),
      ]);
      console.log(
        `${selection.name.padEnd(24)} ${matches.toLocaleString('en').padStart(9)}  ${pair(handStats!)}  ` +
          `${pair(compiledStats!)}  ${(compiledStats!.p50 / handStats!.p50).toFixed(2).padStart(5)}  ` +
          `${pair(naiveStats!)}  ${pair(serviceStats!)}` +
          (hashed ? `  (work_mem ${HASHED_SUBPLAN_WORK_MEM})` : ''),
      );
    }
    console.log(
      '\nhand-written, compiled and naive ORM: the count query alone, each on its own connection. evaluate(): the\n' +
        'API path through the domain (catalog from the database, check, compile, count and first page of 50).',
    );
  } finally {
    for (const client of clients) await client.end();
    await dataSource.destroy();
    await database.stop();
  }
}

await main();
