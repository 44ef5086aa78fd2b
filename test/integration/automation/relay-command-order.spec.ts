import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, RelayRepository } from '../../../libs/domain/src/index.js';
import { testDatabaseUrl } from '../../support/test-env.js';

/** Commands go to Temporal in the order they were decided, also where ids gain a digit. */
describe('RelayRepository.pendingCommands', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({ ...createDataSourceOptions(testDatabaseUrl()), extra: { max: 2 } });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('orders by the numeric id, so a start 9_999_999_999 comes before its stop 10_000_000_000', async () => {
    const ids = [9_999_999_998, 9_999_999_999, 10_000_000_000, 10_000_000_001].map(String);
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // Explicit ids, in a transaction that is rolled back, so no other spec sees them.
      await runner.manager.query(
        `INSERT INTO automation_commands (id, kind, workflow_id, payload) OVERRIDING SYSTEM VALUE
         SELECT unnest($1::bigint[]), 'signal', 'order-spec', '{}'::jsonb`,
        [ids],
      );
      const pending = await new RelayRepository().pendingCommands(runner.manager, 100_000);
      expect(
        pending.filter((command) => command.workflowId === 'order-spec').map((command) => command.id),
      ).toEqual(ids);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
