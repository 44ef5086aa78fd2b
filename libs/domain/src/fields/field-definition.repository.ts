import { Injectable } from '@nestjs/common';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { FieldSchemaError } from '../errors/domain-error.js';
import type { FieldDefinition, FieldDefinitionPatch, NewFieldDefinition } from './field-definition.js';

const COLUMNS = `key, label, type, options, created_at AS "createdAt"`;

@Injectable()
export class FieldDefinitionRepository {
  async list(db: Db, afterKey: string | undefined, limit: number): Promise<FieldDefinition[]> {
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM field_definitions
       WHERE $1::text IS NULL OR key > $1 ORDER BY key LIMIT $2`,
      [afterKey ?? null, limit],
    );
  }

  async find(
    db: Db,
    key: string,
    lock: 'share' | 'update' | 'none' = 'none',
  ): Promise<FieldDefinition | undefined> {
    const suffix = lock === 'share' ? 'FOR SHARE' : lock === 'update' ? 'FOR UPDATE' : '';
    const rows = await queryRows<FieldDefinition>(
      db,
      `SELECT ${COLUMNS} FROM field_definitions WHERE key = $1 ${suffix}`,
      [key],
    );
    return rows[0];
  }

  /**
   * The definitions of these keys, share-locked: a value checked against a
   * definition cannot be written after the definition changed or went.
   */
  async lockForValues(db: Db, keys: string[]): Promise<FieldDefinition[]> {
    if (keys.length === 0) return [];
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM field_definitions WHERE key = ANY($1::text[]) ORDER BY key FOR SHARE`,
      [keys],
    );
  }

  async insert(db: Db, field: NewFieldDefinition): Promise<FieldDefinition> {
    try {
      const rows = await queryRows<FieldDefinition>(
        db,
        `INSERT INTO field_definitions (key, label, type, options) VALUES ($1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [field.key, field.label, field.type, field.options ?? []],
      );
      return rows[0]!;
    } catch (error) {
      if (violatedConstraint(error, '23505') !== undefined) {
        throw new FieldSchemaError('FIELD_KEY_TAKEN', `a custom field "${field.key}" already exists`, {
          field: 'key',
          key: field.key,
        });
      }
      throw error;
    }
  }

  async update(db: Db, key: string, patch: FieldDefinitionPatch): Promise<FieldDefinition | undefined> {
    const rows = await queryRows<FieldDefinition>(
      db,
      `UPDATE field_definitions SET label = coalesce($2, label), options = coalesce($3, options)
       WHERE key = $1 RETURNING ${COLUMNS}`,
      [key, patch.label ?? null, patch.options ?? null],
    );
    return rows[0];
  }

  async delete(db: Db, key: string): Promise<void> {
    await db.query('DELETE FROM field_definitions WHERE key = $1', [key]);
  }

  /** Distinct values contacts hold for a field, among `candidates`. */
  async valuesInUse(db: Db, key: string, candidates: string[]): Promise<string[]> {
    const rows = await queryRows<{ value: string }>(
      db,
      `SELECT DISTINCT custom ->> $1 AS value FROM contacts
       WHERE custom ? $1 AND custom ->> $1 = ANY($2::text[])`,
      [key, candidates],
    );
    return rows.map((row) => row.value);
  }

  /** Removes a field's values from every contact; returns who held which value. */
  async removeValues(db: Db, key: string): Promise<{ contactId: string; value: unknown }[]> {
    const held = await queryRows<{ contactId: string; value: unknown }>(
      db,
      `SELECT id AS "contactId", custom -> $1 AS value FROM contacts
       WHERE custom ? $1 ORDER BY id FOR NO KEY UPDATE`,
      [key],
    );
    if (held.length > 0) {
      await db.query(
        `UPDATE contacts SET custom = custom - $1, updated_at = now() WHERE id = ANY($2::uuid[])`,
        [key, held.map((row) => row.contactId)],
      );
    }
    return held;
  }
}
