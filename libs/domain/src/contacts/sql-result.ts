import { QueryFailedError } from 'typeorm';
import type { Db } from '../database/transactions.js';

/**
 * TypeORM answers UPDATE and DELETE with `[rows, rowCount]` and every other
 * statement with the rows alone; this gives the rows either way.
 */
export async function queryRows<T>(db: Db, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/** The constraint a unique (23505) or foreign key (23503) violation names, if it is one. */
export function violatedConstraint(error: unknown, sqlState: '23505' | '23503'): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === sqlState ? (driverError.constraint ?? '') : undefined;
}
