import { Injectable } from '@nestjs/common';
import { compileCondition, type CheckedCondition } from '../../../rules/src/index.js';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';

/**
 * Trigger `if` conditions and `stop if` steps, evaluated on current data with the
 * rule language's parameterised SQL (no rule value ever enters the SQL text).
 */
@Injectable()
export class ConditionRepository {
  /** The ones of these contacts that exist and match. */
  async matching(db: Db, contactIds: string[], condition: CheckedCondition): Promise<Set<string>> {
    if (contactIds.length === 0) return new Set();
    const fragment = compileCondition(condition);
    const offset = fragment.params.length;
    const rows = await queryRows<{ id: string }>(
      db,
      `SELECT c.id FROM contacts c WHERE c.id = ANY($${offset + 1}::uuid[]) AND (${fragment.sql})`,
      [...fragment.params, contactIds],
    );
    return new Set(rows.map((row) => row.id));
  }
}
