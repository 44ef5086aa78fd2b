import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

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

  async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const hooks: (() => void)[] = [];
    const result = await this.dataSource.transaction((db) => {
      commitHooks.set(db, hooks);
      return work(db);
    });
    for (const hook of hooks) hook();
    return result;
  }
}
