// Generates the shared benchmark data set and loads it with COPY: by default 1M
// contacts, 5,000 groups in a deep tree (several roots, depth up to 8, a subtree of
// several hundred groups under Travel/Greece), 10M memberships, tags, segments and a
// custom number field `budget`. Deterministic for a given --seed. See bench/README.md.
//
//   node dist/bench/data/generate.js [--contacts 1000000] [--groups 5000] [--memberships 10000000]
//
// The target is DATABASE_URL (migrated, must hold no contacts) or a fresh embedded
// PostgreSQL under --data-dir (default .trellis/bench), recreated on every run.
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { runMigrations } from '../../libs/domain/src/database/data-source-options.js';
import {
  DEFAULT_BENCH_DATA_DIR,
  intOption,
  openBenchDatabase,
  parseArgs,
  recreateDatabase,
} from './bench-database.js';
import { buildGroupTree, type GeneratedGroup } from './group-tree.js';
import { createRandom, type Random } from './random.js';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string' },
    groups: { type: 'string' },
    memberships: { type: 'string' },
    tags: { type: 'string' },
    segments: { type: 'string' },
    seed: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const CONTACTS = intOption(args.contacts, 1_000_000);
const GROUPS = intOption(args.groups, 5_000);
const MEMBERSHIPS = intOption(args.memberships, 10_000_000);
const TAGS = intOption(args.tags, 40);
const SEGMENTS = intOption(args.segments, 20);
const SEED = intOption(args.seed, 1);
const DATA_DIR = args['data-dir'] ?? DEFAULT_BENCH_DATA_DIR;

const CHUNK_CHARS = 1 << 20;
const random = createRandom(SEED);

const FIRST_NAMES = [
  'Anna',
  'Lukas',
  'Maria',
  'Jonas',
  'Sophie',
  'Elias',
  'Eleni',
  'Giorgos',
  'Ayşe',
  'Mehmet',
  'Olga',
  'Dmitri',
  'Chloé',
  'Jürgen',
  'Zoë',
  'Ólafur',
  'Léa',
  'Noah',
  'Emma',
  'Mia',
  'Ben',
  'Paul',
  'Lena',
];
const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Papadopoulos',
  'Nikolaidis',
  'Yılmaz',
  'Kaya',
  'Иванова',
  'Smirnov',
  'Dubois',
  'Rossi',
  'García',
  'Weber',
  'Fischer',
  'Wagner',
  'Becker',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Richter',
];
const CITIES: [string, string, string][] = [
  ['Berlin', 'DE', 'de'],
  ['München', 'DE', 'de'],
  ['Hamburg', 'DE', 'de'],
  ['Wien', 'AT', 'de'],
  ['Zürich', 'CH', 'de'],
  ['Athens', 'GR', 'el'],
  ['Istanbul', 'TR', 'tr'],
  ['Paris', 'FR', 'fr'],
  ['Madrid', 'ES', 'es'],
  ['Moscow', 'RU', 'ru'],
  ['London', 'GB', 'en'],
  ['Köln', 'DE', 'de'],
];
const SOURCES = ['api', 'import', 'import', 'import', 'form', 'form', 'automation'];
const TAG_WORDS = [
  'vip',
  'newsletter',
  'greece-fan',
  'family',
  'couple',
  'solo',
  'early-booker',
  'last-minute',
  'budget',
  'luxury',
  'beach',
  'culture',
  'hiking',
  'diving',
  'ski',
  'cruise',
  'b2b',
  'press',
  'partner',
  'returning',
];

/** A pool of timestamps in the last three years, formatted once (toISOString is the cost). */
function timestamps(count: number): string[] {
  const now = Date.UTC(2025, 10, 1);
  return Array.from({ length: count }, () =>
    new Date(now - Math.floor(random.next() * 3 * 365 * 86_400_000)).toISOString(),
  );
}
const TIMES = timestamps(20_000);
const time = () => TIMES[random.int(TIMES.length)]!;

/** Yields COPY text in chunks of about a megabyte from rows produced by `row(i)`. */
function* copyChunks(count: number, row: (index: number) => string): Generator<string> {
  let chunk = '';
  for (let index = 0; index < count; index++) {
    chunk += row(index);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function copy(client: pg.Client, table: string, columns: string[], chunks: Iterable<string>) {
  await pipeline(
    Readable.from(chunks, { objectMode: false }),
    client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
  );
}

interface Deferred {
  restore(): Promise<void>;
}

/**
 * Bulk loading into indexed tables is slow: btree inserts in random order and a
 * foreign key check per row. This drops a table's secondary indexes and foreign
 * keys (and its primary key when nothing references it) and restores them after
 * the load, from their own definitions, so the schema ends exactly as migrated.
 */
async function deferIndexes(client: pg.Client, table: string): Promise<Deferred> {
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
    [table],
  );
  const { rows: constraints } = await client.query<{ name: string; definition: string; type: string }>(
    `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition, c.contype AS type
     FROM pg_constraint c
     WHERE c.conrelid = $1::regclass AND c.contype IN ('f', 'p', 'u')
       AND NOT EXISTS (
         SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid AND r.conindid = c.conindid
       )
     ORDER BY c.contype = 'f' DESC`,
    [table],
  );
  for (const constraint of constraints)
    await client.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint.name}`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return {
    async restore() {
      const keys = constraints.filter((constraint) => constraint.type !== 'f');
      const foreign = constraints.filter((constraint) => constraint.type === 'f');
      for (const constraint of keys)
        await client.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint.name} ${constraint.definition}`);
      for (const index of indexes) await client.query(index.definition);
      for (const constraint of foreign)
        await client.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint.name} ${constraint.definition}`);
    },
  };
}

function uuids(count: number, rng: Random): string[] {
  return Array.from({ length: count }, () => rng.uuid());
}

/** Cumulative weights for drawing groups: Zipf over a shuffled rank, with the named groups placed. */
function groupWeights(groups: readonly GeneratedGroup[]): Float64Array {
  const ranks = random.shuffle(Array.from({ length: groups.length }, (_, index) => index + 1));
  const named = groups.filter((group) => group.rank !== undefined);
  for (const group of named) {
    const holder = ranks.indexOf(group.rank!);
    [ranks[holder], ranks[group.index]] = [ranks[group.index]!, ranks[holder]!];
  }
  const cumulative = new Float64Array(groups.length);
  let total = 0;
  for (let index = 0; index < groups.length; index++) {
    total += 1 / ranks[index]! ** 0.9;
    cumulative[index] = total;
  }
  return cumulative;
}

function draw(cumulative: Float64Array): number {
  const target = random.next() * cumulative[cumulative.length - 1]!;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

async function main(): Promise<void> {
  const started = performance.now();
  const database = await openBenchDatabase(DATA_DIR);
  const timed: Timed = async (name, work) => {
    const begin = performance.now();
    const rows = (await work()) ?? 0;
    const seconds = (performance.now() - begin) / 1000;
    console.log(
      `  ${name.padEnd(36)} ${rows ? `${rows.toLocaleString('en')} rows`.padStart(16) : ''.padStart(16)}` +
        ` ${seconds.toFixed(1).padStart(7)} s` +
        (rows
          ? `  ${Math.round(rows / seconds)
              .toLocaleString('en')
              .padStart(10)} rows/s`
          : ''),
    );
    return seconds;
  };
  try {
    if (database.embedded) await recreateDatabase(database.url);
    await runMigrations(database.url);
    const client = new pg.Client({
      connectionString: database.url,
      application_name: 'trellis-bench-generate',
    });
    await client.connect();
    try {
      const { rows: existing } = await client.query<{ any: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM contacts) AS any',
      );
      if (existing[0]!.any) throw new Error('the target database already holds contacts; use an empty one');
      await client.query(`SET maintenance_work_mem = '1GB'`);
      console.log(
        `generating ${CONTACTS.toLocaleString('en')} contacts, ${GROUPS.toLocaleString('en')} groups, ` +
          `~${MEMBERSHIPS.toLocaleString('en')} memberships (seed ${SEED}) into ${database.embedded ? DATA_DIR : 'DATABASE_URL'}`,
      );
      await load(client, timed);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
  const total = (performance.now() - started) / 1000;
  console.log(`done in ${total.toFixed(1)} s`);
}

/** Runs one phase and prints its rows, seconds and rate; returns the seconds. */
type Timed = (name: string, work: () => Promise<number | void>) => Promise<number>;

async function load(client: pg.Client, timed: Timed): Promise<void> {
  const users = uuids(20, random);
  await timed('users and the budget field', async () => {
    await copy(
      client,
      'users',
      ['id', 'name', 'email'],
      [users.map((id, index) => `${id}\tAgent ${index + 1}\tagent${index + 1}@trellis.example\n`).join('')],
    );
    await client.query(
      `INSERT INTO field_definitions (key, label, type) VALUES ('budget', 'Travel budget (EUR)', 'number')`,
    );
    return users.length;
  });

  const groups = buildGroupTree(GROUPS, random);
  const closureRows = groups.reduce((sum, group) => sum + group.ancestors.length, 0);
  await timed('groups + closure', async () => {
    await copy(
      client,
      'groups',
      ['id', 'parent_id', 'name'],
      copyChunks(groups.length, (index) => {
        const group = groups[index]!;
        return `${group.id}\t${group.parentId ?? '\\N'}\t${group.name.replaceAll('\\', '\\\\')}\n`;
      }),
    );
    await copy(
      client,
      'group_closure',
      ['ancestor_id', 'descendant_id', 'depth'],
      copyChunks(groups.length, (index) => {
        const group = groups[index]!;
        // ancestors run from the root down to the group itself.
        return group.ancestors
          .map((ancestor, position) => `${ancestor}\t${group.id}\t${group.ancestors.length - 1 - position}\n`)
          .join('');
      }),
    );
    return groups.length + closureRows;
  });

  const contacts = uuids(CONTACTS, random);
  const deferredContacts = await deferIndexes(client, 'contacts');
  await timed('contacts', async () => {
    await copy(
      client,
      'contacts',
      [
        'id',
        'kind',
        'email',
        'first_name',
        'last_name',
        'company_name',
        'city',
        'country',
        'language',
        'consent',
        'responsible_user_id',
        'custom',
        'created_at',
      ],
      copyChunks(CONTACTS, (index) => {
        const company = random.next() < 0.05;
        const first = random.pick(FIRST_NAMES);
        const last = random.pick(LAST_NAMES);
        const [city, country, language] = random.pick(CITIES);
        const consent = random.next() < 0.7 ? 'subscribed' : random.next() < 0.5 ? 'unknown' : 'unsubscribed';
        const user = random.next() < 0.3 ? random.pick(users) : '\\N';
        const budget = random.next() < 0.8 ? `{"budget": ${100 * (5 + random.int(200))}}` : '{}';
        return company
          ? `${contacts[index]}\tcompany\tinfo${index}@firma${index}.example\t\\N\t\\N\t${last} Reisen ${index} GmbH\t${city}\t${country}\t${language}\t${consent}\t${user}\t${budget}\t${time()}\n`
          : `${contacts[index]}\tperson\t${first.toLowerCase()}.${index}@mail.example\t${first}\t${last}\t\\N\t${city}\t${country}\t${language}\t${consent}\t${user}\t${budget}\t${time()}\n`;
      }),
    );
    return CONTACTS;
  });
  await timed('contacts: indexes and keys', () => deferredContacts.restore());

  const weights = groupWeights(groups);
  const mean = MEMBERSHIPS / Math.max(CONTACTS, 1);
  let membershipCount = 0;
  const deferredMemberships = await deferIndexes(client, 'group_memberships');
  // The counts the triggers would maintain, tallied while generating: a contact counts
  // once for each group that has any of its memberships in its subtree.
  const indexOf = new Map(groups.map((group) => [group.id, group.index]));
  const ancestorsOf = groups.map((group) => group.ancestors.map((id) => indexOf.get(id)!));
  const direct = new Float64Array(groups.length);
  const subtree = new Float64Array(groups.length);
  const countedFor = new Int32Array(groups.length).fill(-1);
  const membershipRows = function* (): Generator<string> {
    let chunk = '';
    const held: number[] = [];
    for (let index = 0; index < CONTACTS; index++) {
      // Exponentially distributed: many contacts in a few groups, some in dozens.
      const count = Math.min(Math.round(-mean * Math.log(1 - random.next())), 60, groups.length);
      held.length = 0;
      for (let attempt = 0; held.length < count && attempt < count * 4; attempt++) {
        const group = draw(weights);
        if (!held.includes(group)) held.push(group);
      }
      for (const group of held) {
        direct[group] += 1;
        for (const ancestor of ancestorsOf[group]!) {
          if (countedFor[ancestor] !== index) {
            countedFor[ancestor] = index;
            subtree[ancestor] += 1;
          }
        }
        chunk += `${contacts[index]}\t${groups[group]!.id}\t${time()}\timport\t${random.pick(SOURCES)}\n`;
      }
      membershipCount += held.length;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  };
  // The count triggers would redo per row what the generator tallies for all groups as it goes.
  await client.query('ALTER TABLE group_memberships DISABLE TRIGGER group_memberships_counts_added');
  const membershipSeconds = await timed('group_memberships (generate + COPY)', async () => {
    await copy(
      client,
      'group_memberships',
      ['contact_id', 'group_id', 'added_at', 'added_by', 'source'],
      membershipRows(),
    );
    return membershipCount;
  });
  await timed('group_memberships: indexes and keys', () => deferredMemberships.restore());
  await client.query('ALTER TABLE group_memberships ENABLE TRIGGER group_memberships_counts_added');
  await timed('group_member_counts (all groups)', async () => {
    await copy(
      client,
      'group_member_counts',
      ['group_id', 'direct_members', 'subtree_members'],
      [groups.map((group) => `${group.id}\t${direct[group.index]}\t${subtree[group.index]}\n`).join('')],
    );
    return groups.length;
  });

  const tagIds = uuids(TAGS, random);
  const segmentIds = uuids(SEGMENTS, random);
  const deferredTags = await deferIndexes(client, 'contact_tags');
  const deferredSegments = await deferIndexes(client, 'segment_members');
  let tagged = 0;
  let segmented = 0;
  await timed('tags, segments and their members', async () => {
    await copy(
      client,
      'tags',
      ['id', 'name'],
      [
        tagIds
          .map(
            (id, index) =>
              `${id}\t${TAG_WORDS[index % TAG_WORDS.length]}${index >= TAG_WORDS.length ? `-${index}` : ''}\n`,
          )
          .join(''),
      ],
    );
    await copy(
      client,
      'segments',
      ['id', 'name', 'description'],
      [segmentIds.map((id, index) => `${id}\tSegment ${index + 1}\tgenerated for benchmarks\n`).join('')],
    );
    await copy(
      client,
      'contact_tags',
      ['contact_id', 'tag_id', 'tagged_at', 'tagged_by'],
      copyChunks(CONTACTS, (index) => {
        const count = random.int(4);
        const chosen = new Set<number>();
        for (let n = 0; n < count; n++) chosen.add(random.int(TAGS));
        tagged += chosen.size;
        return [...chosen].map((tag) => `${contacts[index]}\t${tagIds[tag]}\t${time()}\timport\n`).join('');
      }),
    );
    await copy(
      client,
      'segment_members',
      ['segment_id', 'contact_id', 'added_at'],
      copyChunks(CONTACTS, (index) =>
        SEGMENTS > 0 && random.next() < 0.3
          ? `${segmentIds[random.int(SEGMENTS)]}\t${contacts[index]}\t${time()}\n`
          : '',
      ),
    );
    segmented = Number((await client.query('SELECT count(*) FROM segment_members')).rows[0].count);
    await deferredTags.restore();
    await deferredSegments.restore();
    return tagged + segmented;
  });
  console.log(
    `    (${tagged.toLocaleString('en')} tag assignments, ${segmented.toLocaleString('en')} segment members)`,
  );

  await timed('VACUUM ANALYZE', async () => {
    await client.query('VACUUM ANALYZE');
  });

  await rawCopyBaseline(client, contacts, groups, membershipCount, membershipSeconds);
}

/**
 * The floor for the membership load: COPY of rows already in memory into a table
 * with no index, no key and no foreign key, measured on a one-million-row sample.
 */
async function rawCopyBaseline(
  client: pg.Client,
  contacts: readonly string[],
  groups: readonly GeneratedGroup[],
  membershipCount: number,
  membershipSeconds: number,
): Promise<void> {
  const sample = Math.min(1_000_000, Math.max(membershipCount, 1));
  const chunks = [
    ...copyChunks(
      sample,
      (index) =>
        `${contacts[index % contacts.length]}\t${groups[index % groups.length]!.id}\t${time()}\timport\timport\n`,
    ),
  ];
  await client.query('CREATE TABLE copy_baseline (LIKE group_memberships INCLUDING DEFAULTS)');
  try {
    const begin = performance.now();
    await copy(client, 'copy_baseline', ['contact_id', 'group_id', 'added_at', 'added_by', 'source'], chunks);
    const seconds = (performance.now() - begin) / 1000;
    const baselineRate = sample / seconds;
    const ourRate = membershipCount / membershipSeconds;
    console.log(
      `\nmemberships: generate + COPY ${Math.round(ourRate).toLocaleString('en')} rows/s ` +
        `beside raw COPY of prebuilt rows ${Math.round(baselineRate).toLocaleString('en')} rows/s ` +
        `(${(ourRate / baselineRate).toFixed(2)}x; ${membershipCount.toLocaleString('en')} rows would take ` +
        `${(membershipCount / baselineRate).toFixed(1)} s raw vs ${membershipSeconds.toFixed(1)} s here)`,
    );
  } finally {
    await client.query('DROP TABLE copy_baseline');
  }
}

await main();
