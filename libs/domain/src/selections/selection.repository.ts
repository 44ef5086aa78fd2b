import { Injectable } from '@nestjs/common';
import type { CheckedCondition } from '../../../rules/src/index.js';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { SelectionError } from '../errors/domain-error.js';
import type { StoredSelection } from './selection.js';

const COLUMNS = `id, name, source, checked, created_at AS "createdAt", updated_at AS "updatedAt"`;

// Any constant works; it only has to be the same for every process of the project.
const SELECTION_WRITE_LOCK_KEY = 7_463_301;

function translate(error: unknown, name: string): never {
  if (violatedConstraint(error, '23505') === 'selections_name_unique') {
    throw new SelectionError('SELECTION_NAME_TAKEN', `a selection named "${name}" already exists`, {
      field: 'name',
    });
  }
  throw error;
}

@Injectable()
export class SelectionRepository {
  /**
   * Saves of selections run one at a time, so two saves cannot each pass the loop check
   * and together make selections that refer to each other.
   */
  async lockWrites(db: Db): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [SELECTION_WRITE_LOCK_KEY]);
  }

  async insert(
    db: Db,
    selection: { name: string; source: string; checked: CheckedCondition },
  ): Promise<StoredSelection> {
    try {
      const [row] = await queryRows<StoredSelection>(
        db,
        `INSERT INTO selections (name, source, checked) VALUES ($1, $2, $3::jsonb) RETURNING ${COLUMNS}`,
        [selection.name, selection.source, JSON.stringify(selection.checked)],
      );
      return row!;
    } catch (error) {
      translate(error, selection.name);
    }
  }

  async update(
    db: Db,
    id: string,
    selection: { name: string; source: string; checked: CheckedCondition },
  ): Promise<StoredSelection | undefined> {
    try {
      const [row] = await queryRows<StoredSelection>(
        db,
        `UPDATE selections SET name = $2, source = $3, checked = $4::jsonb, updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, selection.name, selection.source, JSON.stringify(selection.checked)],
      );
      return row;
    } catch (error) {
      translate(error, selection.name);
    }
  }

  async delete(db: Db, id: string): Promise<void> {
    await db.query('DELETE FROM selections WHERE id = $1', [id]);
  }

  async find(db: Db, id: string): Promise<StoredSelection | undefined> {
    const [row] = await queryRows<StoredSelection>(db, `SELECT ${COLUMNS} FROM selections WHERE id = $1`, [
      id,
    ]);
    return row;
  }

  /** Every saved selection: the catalog rules are checked against needs them all. */
  async all(db: Db): Promise<StoredSelection[]> {
    return queryRows(db, `SELECT ${COLUMNS} FROM selections ORDER BY name`);
  }

  async list(db: Db, afterName: string | undefined, limit: number): Promise<StoredSelection[]> {
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM selections WHERE $1::text IS NULL OR name > $1 ORDER BY name LIMIT $2`,
      [afterName ?? null, limit],
    );
  }
}
