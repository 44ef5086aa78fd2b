import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, QueryFailedError } from 'typeorm';
import { createDataSourceOptions, type Db, Transactions } from '../../../libs/domain/src/index.js';
import { testDatabaseUrl } from '../../support/test-env.js';

/**
 * Two transactions that lock the same two rows in opposite order: PostgreSQL aborts
 * one of them (deadlock_detected). With retryConflicts the aborted one runs again and
 * both changes land; without it the caller gets the error.
 */
describe('Transactions.run and conflicts', () => {
  let dataSource: DataSource;
  let transactions: Transactions;
  const table = `deadlock_probe_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dataSource = new DataSource({ ...createDataSourceOptions(testDatabaseUrl()), extra: { max: 4 } });
    await dataSource.initialize();
    transactions = new Transactions(dataSource);
    await dataSource.query(`CREATE TABLE ${table} (id int PRIMARY KEY, touched int NOT NULL DEFAULT 0)`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  });

  async function crossedLocks(retryConflicts: boolean) {
    await dataSource.query(`DELETE FROM ${table}`);
    await dataSource.query(`INSERT INTO ${table} (id) VALUES (1), (2)`);
    let holding = 0;
    let bothHold!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHold = resolve));
    const attempts = { first: 0, second: 0 };
    const lockInOrder = (name: 'first' | 'second', order: [number, number]) => async (db: Db) => {
      attempts[name]++;
      await db.query(`UPDATE ${table} SET touched = touched + 1 WHERE id = $1`, [order[0]]);
      if (attempts[name] === 1) {
        if (++holding === 2) bothHold();
        await barrier;
      }
      await db.query(`UPDATE ${table} SET touched = touched + 1 WHERE id = $1`, [order[1]]);
    };
    const outcomes = await Promise.allSettled([
      transactions.run(lockInOrder('first', [1, 2]), { retryConflicts }),
      transactions.run(lockInOrder('second', [2, 1]), { retryConflicts }),
    ]);
    const rows: { id: number; touched: number }[] = await dataSource.query(
      `SELECT id, touched FROM ${table} ORDER BY id`,
    );
    return { outcomes, attempts, rows };
  }

  it('runs a transaction that lost a deadlock again, so both changes land', async () => {
    const { outcomes, attempts, rows } = await crossedLocks(true);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(attempts.first + attempts.second).toBe(3);
    expect(rows).toEqual([
      { id: 1, touched: 2 },
      { id: 2, touched: 2 },
    ]);
  });

  it('hands the deadlock to the caller when retrying was not asked for, and nothing of it stays', async () => {
    const { outcomes, attempts, rows } = await crossedLocks(false);
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason as QueryFailedError;
    expect(reason).toBeInstanceOf(QueryFailedError);
    expect((reason.driverError as { code?: string }).code).toBe('40P01');
    expect(attempts.first + attempts.second).toBe(2);
    expect(rows).toEqual([
      { id: 1, touched: 1 },
      { id: 2, touched: 1 },
    ]);
  });
});
