import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** A database handle that repositories run their SQL on: the pool, or one open transaction. */
export type Db = EntityManager;

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

  run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
