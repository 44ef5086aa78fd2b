// Subtree resolution and subtree member counts on the generated data set (bench/data),
// through the domain (GroupTreeService on TypeORM: closure table, maintained counts)
// beside the same operation as hand-written SQL on a bare pg client: over the closure
// table, and as a recursive CTE over the adjacency list. Prints p50 and p95 in ms.
// Also: the cost the count triggers add to membership writes, beside the same writes
// with the triggers disabled.
//
//   node dist/bench/groups/subtree.bench.js [--iterations 50] [--data-dir .trellis/bench]
import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '../../libs/domain/src/database/data-source-options.js';
import { Transactions } from '../../libs/domain/src/database/transactions.js';
import { DomainEventRepository } from '../../libs/domain/src/events/domain-event.repository.js';
import { GroupTreeService } from '../../libs/domain/src/groups/group-tree.service.js';
import { GroupRepository } from '../../libs/domain/src/groups/group.repository.js';
import { DEFAULT_BENCH_DATA_DIR, intOption, openBenchDatabase, parseArgs } from '../data/bench-database.js';

const { values: args } = parseArgs({
  options: { iterations: { type: 'string' }, 'data-dir': { type: 'string' } },
});
const ITERATIONS = intOption(args.iterations, 50);

const HAND_WRITTEN = {
  closureSubtree: 'SELECT descendant_id FROM group_closure WHERE ancestor_id = $1',
  recursiveSubtree: `
    WITH RECURSIVE subtree AS (
      SELECT id FROM groups WHERE id = $1
      UNION ALL
      SELECT child.id FROM groups child JOIN subtree ON child.parent_id = subtree.id
    )
    SELECT id FROM subtree`,
  closureCount: `
    SELECT count(DISTINCT m.contact_id) FROM group_closure c
    JOIN group_memberships m ON m.group_id = c.descendant_id
    WHERE c.ancestor_id = $1`,
  recursiveCount: `
    WITH RECURSIVE subtree AS (
      SELECT id FROM groups WHERE id = $1
      UNION ALL
      SELECT child.id FROM groups child JOIN subtree ON child.parent_id = subtree.id
    )
    SELECT count(DISTINCT m.contact_id) FROM subtree JOIN group_memberships m ON m.group_id = subtree.id`,
  directCount: 'SELECT count(*) FROM group_memberships WHERE group_id = $1',
  catalog: `
    SELECT g.id, g.parent_id, g.name, array_agg(a.name ORDER BY c.depth DESC) AS path
    FROM groups g JOIN group_closure c ON c.descendant_id = g.id JOIN groups a ON a.id = c.ancestor_id
    GROUP BY g.id`,
  directCountsForAllGroups: 'SELECT group_id, count(*) FROM group_memberships GROUP BY group_id',
};

interface Stats {
  p50: number;
  p95: number;
}

async function measure(work: () => Promise<unknown>, iterations = ITERATIONS): Promise<Stats> {
  for (let warm = 0; warm < Math.min(3, iterations); warm++) await work();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const begin = performance.now();
    await work();
    samples.push(performance.now() - begin);
  }
  samples.sort((a, b) => a - b);
  const at = (quantile: number) =>
    samples[Math.min(samples.length - 1, Math.floor(quantile * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1)).padStart(8);
const cell = (stats: Stats) => `${ms(stats.p50)} ${ms(stats.p95)}`;

interface Target {
  label: string;
  id: string;
  groups: number;
  memberships: number;
}

async function pickTargets(client: pg.Client, service: GroupTreeService): Promise<Target[]> {
  const describe = async (label: string, id: string): Promise<Target> => {
    const { rows } = await client.query<{ groups: number; memberships: number }>(
      `SELECT (SELECT count(*) FROM group_closure WHERE ancestor_id = $1)::int AS groups,
              (SELECT count(*) FROM group_closure c JOIN group_memberships m ON m.group_id = c.descendant_id
                WHERE c.ancestor_id = $1)::int AS memberships`,
      [id],
    );
    return { label, id, ...rows[0]! };
  };
  const one = async (sql: string) => (await client.query<{ id: string }>(sql)).rows[0]!.id;
  return [
    await describe('Travel/Greece', await service.resolvePath('Travel/Greece')),
    await describe(
      'largest subtree (groups)',
      await one('SELECT ancestor_id AS id FROM group_closure GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'),
    ),
    await describe('Customers', await service.resolvePath('Customers')),
    await describe('Interested/Hot', await service.resolvePath('Interested/Hot')),
    await describe(
      'small subtree (3-6 groups)',
      await one(
        `SELECT ancestor_id AS id FROM group_closure GROUP BY 1 HAVING count(*) BETWEEN 3 AND 6 ORDER BY 1 LIMIT 1`,
      ),
    ),
    await describe(
      'leaf group',
      await one(
        `SELECT g.id FROM groups g WHERE NOT EXISTS (SELECT 1 FROM groups c WHERE c.parent_id = g.id) ORDER BY g.id LIMIT 1`,
      ),
    ),
  ];
}

/**
 * What the count triggers add to membership writes: a bulk insert of 10,000 memberships
 * (an import) and 200 single-row inserts (forms), each rolled back, with the triggers
 * on and off in the same run.
 */
async function membershipWriteCost(client: pg.Client, subtreeRoot: string): Promise<void> {
  const { rows: leaves } = await client.query<{ id: string }>(
    `SELECT c.descendant_id AS id FROM group_closure c
     WHERE c.ancestor_id = $1 AND NOT EXISTS (SELECT 1 FROM groups g WHERE g.parent_id = c.descendant_id)
     ORDER BY c.depth DESC, c.descendant_id LIMIT 20`,
    [subtreeRoot],
  );
  const { rows: contacts } = await client.query<{ id: string }>(
    'SELECT id FROM contacts ORDER BY created_at DESC, id LIMIT 10000',
  );
  const bulk = async () => {
    await client.query(
      `INSERT INTO group_memberships (contact_id, group_id, added_by, source)
       SELECT unnest($1::uuid[]), $2, 'bench', 'import' ON CONFLICT DO NOTHING`,
      [contacts.map((row) => row.id), leaves[0]!.id],
    );
  };
  const singles = async () => {
    for (let index = 0; index < 200; index++) {
      await client.query(
        `INSERT INTO group_memberships (contact_id, group_id, added_by, source)
         VALUES ($1, $2, 'bench', 'form') ON CONFLICT DO NOTHING`,
        [contacts[index * 7]!.id, leaves[index % leaves.length]!.id],
      );
    }
  };
  const run = async (work: () => Promise<void>, triggers: boolean) => {
    const samples: number[] = [];
    for (let index = 0; index < 5; index++) {
      await client.query('BEGIN');
      if (!triggers) {
        await client.query('ALTER TABLE group_memberships DISABLE TRIGGER group_memberships_counts_added');
      }
      const begin = performance.now();
      await work();
      samples.push(performance.now() - begin);
      await client.query('ROLLBACK');
    }
    return samples.sort((a, b) => a - b)[2]!;
  };
  console.log(
    '\nmembership writes with the count triggers, beside the same writes without them (median of 5)',
  );
  console.log(
    `  bulk insert of 10,000 memberships   ${ms(await run(bulk, true))}  vs ${ms(await run(bulk, false))}`,
  );
  console.log(
    `  200 single-row inserts               ${ms(await run(singles, true))}  vs ${ms(await run(singles, false))}`,
  );
}

async function main(): Promise<void> {
  const database = await openBenchDatabase(args['data-dir'] ?? DEFAULT_BENCH_DATA_DIR);
  const dataSource = new DataSource({ ...createDataSourceOptions(database.url), extra: { max: 4 } });
  const client = new pg.Client({ connectionString: database.url, application_name: 'trellis-bench-subtree' });
  try {
    await dataSource.initialize();
    await client.connect();
    const service = new GroupTreeService(
      new GroupRepository(),
      new Transactions(dataSource),
      new DomainEventRepository(),
    );
    const query = (sql: string, params: unknown[] = []) => client.query(sql, params);

    const { rows: sizes } = await query(
      `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM groups)::int AS groups,
              (SELECT count(*) FROM group_memberships)::int AS memberships,
              (SELECT max(depth) + 1 FROM group_closure)::int AS depth,
              (SELECT setting FROM pg_settings WHERE name = 'server_version') AS version`,
    );
    const size = sizes[0]!;
    if (size.groups === 0) throw new Error('no data: run node dist/bench/data/generate.js first');
    console.log(
      `data: ${size.contacts.toLocaleString('en')} contacts, ${size.groups.toLocaleString('en')} groups ` +
        `(depth ${size.depth}), ${size.memberships.toLocaleString('en')} memberships; PostgreSQL ${size.version}; ` +
        `${ITERATIONS} runs each, milliseconds`,
    );

    const targets = await pickTargets(client, service);

    console.log('\nsubtree resolution (ids of the group and all descendants)');
    console.log(
      `${'group'.padEnd(28)}${'groups'.padStart(7)} | ${'domain (closure)'.padStart(17)} | ` +
        `${'SQL closure'.padStart(17)} | ${'SQL recursive CTE'.padStart(17)}`,
    );
    console.log(
      `${''.padEnd(35)} | ${'p50      p95'.padStart(17)} | ${'p50      p95'.padStart(17)} | ${'p50      p95'.padStart(17)}`,
    );
    for (const target of targets) {
      const domain = await measure(() => service.subtreeIds(target.id));
      const closure = await measure(() => query(HAND_WRITTEN.closureSubtree, [target.id]));
      const recursive = await measure(() => query(HAND_WRITTEN.recursiveSubtree, [target.id]));
      console.log(
        `${target.label.padEnd(28)}${String(target.groups).padStart(7)} | ${cell(domain)} | ${cell(closure)} | ${cell(recursive)}`,
      );
    }

    console.log('\nsubtree member count (distinct contacts in the group or any subgroup)');
    console.log(
      `${'group'.padEnd(28)}${'memberships'.padStart(12)} | ${'domain counts()'.padStart(17)} | ` +
        `${'SQL closure'.padStart(17)} | ${'SQL recursive CTE'.padStart(17)}`,
    );
    console.log(
      `${''.padEnd(40)} | ${'p50      p95'.padStart(17)} | ${'p50      p95'.padStart(17)} | ${'p50      p95'.padStart(17)}`,
    );
    for (const target of targets) {
      const iterations = target.memberships > 2_000_000 ? Math.min(ITERATIONS, 15) : ITERATIONS;
      const domain = await measure(() => service.counts(target.id), iterations);
      const closure = await measure(() => query(HAND_WRITTEN.closureCount, [target.id]), iterations);
      const recursive = await measure(() => query(HAND_WRITTEN.recursiveCount, [target.id]), iterations);
      const maintained = (await service.counts(target.id)).subtreeMembers;
      const live = Number((await query(HAND_WRITTEN.closureCount, [target.id])).rows[0].count);
      if (maintained !== live)
        console.log(`  ! ${target.label}: maintained ${maintained} but counted ${live}`);
      console.log(
        `${target.label.padEnd(28)}${target.memberships.toLocaleString('en').padStart(12)} | ${cell(domain)} | ${cell(closure)} | ${cell(recursive)}`,
      );
    }
    console.log(
      '  (domain counts(): existence check, then direct, subtree and subgroup counts from the maintained\n' +
        '   group_member_counts rows; the SQL columns count the memberships themselves)',
    );

    await membershipWriteCost(client, targets[0]!.id);

    console.log('\nother group operations');
    const resolve = await measure(() => service.resolvePath('Travel/Greece'));
    const catalog = await measure(() => service.catalog(), Math.min(ITERATIONS, 20));
    const catalogSql = await measure(() => query(HAND_WRITTEN.catalog), Math.min(ITERATIONS, 20));
    const tree = await measure(() => service.tree(), Math.min(ITERATIONS, 20));
    const allCounts = await measure(() => query(HAND_WRITTEN.directCountsForAllGroups), 3);
    console.log(
      `  resolve path Travel/Greece (domain)         p50 ${ms(resolve.p50)}  p95 ${ms(resolve.p95)}`,
    );
    console.log(
      `  catalog, all groups with paths (domain)     p50 ${ms(catalog.p50)}  p95 ${ms(catalog.p95)}`,
    );
    console.log(
      `  catalog as one SQL query over the closure   p50 ${ms(catalogSql.p50)}  p95 ${ms(catalogSql.p95)}`,
    );
    console.log(`  whole tree (domain)                         p50 ${ms(tree.p50)}  p95 ${ms(tree.p95)}`);
    console.log(
      `  direct member counts of every group (SQL)   p50 ${ms(allCounts.p50)}  p95 ${ms(allCounts.p95)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}

await main();
