import { DataSource, type DataSourceOptions } from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';
import { Foundation1763800000000 } from './migrations/1763800000000-foundation.js';
import { ContactsAndGroups1763900000000 } from './migrations/1763900000000-contacts-and-groups.js';
import { ContactSearch1763950000000 } from './migrations/1763950000000-contact-search.js';
import { Selections1764031000000 } from './migrations/1764031000000-selections.js';
import { Templates1764271828182 } from './migrations/1764271828182-templates.js';
import { GroupMemberCounts1764400000000 } from './migrations/1764400000000-group-member-counts.js';
import { AutomationEngine1764555000000 } from './migrations/1764555000000-automation-engine.js';
import { NotifyAfterCommit1764900000000 } from './migrations/1764900000000-notify-after-commit.js';
import { MemberCountsPerContact1765000000000 } from './migrations/1765000000000-member-counts-per-contact.js';
import { LinkSecret1765100000000 } from './migrations/1765100000000-link-secret.js';

export const ENTITIES = [GroupEntity];
export const MIGRATIONS = [
  Foundation1763800000000,
  ContactsAndGroups1763900000000,
  ContactSearch1763950000000,
  Selections1764031000000,
  Templates1764271828182,
  GroupMemberCounts1764400000000,
  AutomationEngine1764555000000,
  NotifyAfterCommit1764900000000,
  MemberCountsPerContact1765000000000,
  LinkSecret1765100000000,
];

/** The schema is owned by migrations; `synchronize` stays off everywhere. */
export function createDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    extra: { max: 20, application_name: 'trellis' },
  };
}

// Any constant works; it only has to be the same for every process of the project.
const MIGRATION_LOCK_KEY = 7_463_021;

/** Runs pending migrations once even when several replicas start at the same moment. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...createDataSourceOptions(url), extra: { max: 2 } });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
