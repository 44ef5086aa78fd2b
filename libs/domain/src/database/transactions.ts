import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

/** A database handle that repositories run their SQL on: the pool, or one open transaction. */
export type Db = EntityManager;

const commitHooks = new WeakMap<Db, (() => void)[]>();

/**
 * Runs `hook` once the transaction behind `db` has committed (never on rollback).
 * On a handle outside `Transactions.run` every statement commits by itself, so the
 * hook runs at once.
 */
export function afterCommit(db: Db, hook: () => void): void {
  const hooks = commitHooks.get(db);
  if (hooks) hooks.push(hook);
  else hook();
}

/**
 * Services decide where a transaction begins and ends; repositories only run SQL
 * on the handle they are given. A change and its domain events share one transaction.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get pool(): Db {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one transaction. With `retryConflicts`, a transaction that
   * PostgreSQL aborted to break a deadlock (or a serialization failure) runs again
   * from the start, up to CONFLICT_ATTEMPTS times: only for work that does nothing
   * but SQL on `db`, since everything else it did would happen twice.
   */
  async run<T>(work: (db: Db) => Promise<T>, options: { retryConflicts?: boolean } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(work);
      } catch (error) {
        if (!options.retryConflicts || attempt >= CONFLICT_ATTEMPTS || !isConflict(error)) throw error;
        // A little jitter, so the two sides of a deadlock do not meet again at once.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  private async runOnce<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const hooks: (() => void)[] = [];
    const result = await this.dataSource.transaction((db) => {
      commitHooks.set(db, hooks);
      return work(db);
    });
    for (const hook of hooks) hook();
    return result;
  }
}

export const CONFLICT_ATTEMPTS = 4;

const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';

/** PostgreSQL aborted the transaction because of concurrent ones; running it again is safe. */
export function isConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string }).code;
  return code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE;
}
