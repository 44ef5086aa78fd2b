import { Injectable } from '@nestjs/common';
import { BUILTIN_FIELDS, type CompiledSelection, type ContactFacts } from '../../../rules/src/index.js';
import { CONTACT_COLUMNS } from '../contacts/contact.repository.js';
import type { Contact } from '../contacts/contact.js';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { AccessScope } from './selection.js';

/** Two hashed sets of about a million contacts each (the default hash_mem_multiplier is 2). */
export const HASHED_SUBPLAN_WORK_MEM = '64MB';

/**
 * Runs compiled selections. The WHERE condition comes from libs/rules' compileSelection
 * and is fully parameterised; this class only adds keyset paging (by contact id) with
 * its own placeholders numbered after the selection's.
 */
@Injectable()
export class SelectionQueryRepository {
  /**
   * Settings for the selection queries of the surrounding transaction: a time limit, so
   * a runaway rule cannot hold a connection, and for rules whose membership tests run
   * as hashed subplans (see runsAsJoins) enough work_mem to hash a million members.
   */
  async prepare(db: Db, options: { timeoutMs: number; hashedSubplans: boolean }): Promise<void> {
    await db.query(`SELECT set_config('statement_timeout', $1, true)`, [String(options.timeoutMs)]);
    if (options.hashedSubplans) {
      await db.query(`SELECT set_config('work_mem', $1, true)`, [HASHED_SUBPLAN_WORK_MEM]);
    }
  }

  async count(db: Db, compiled: CompiledSelection): Promise<number> {
    const [row] = await queryRows<{ count: number }>(db, compiled.countSql, compiled.params);
    return row!.count;
  }

  async contacts(
    db: Db,
    compiled: CompiledSelection,
    afterId: string | undefined,
    limit: number,
  ): Promise<Contact[]> {
    const n = compiled.params.length;
    return queryRows(
      db,
      `SELECT ${CONTACT_COLUMNS('c')} FROM ${compiled.from}
       WHERE ${compiled.predicate} AND ($${n + 1}::uuid IS NULL OR c.id > $${n + 1}::uuid)
       ORDER BY c.id LIMIT $${n + 2}`,
      [...compiled.params, afterId ?? null, limit],
    );
  }

  async ids(
    db: Db,
    compiled: CompiledSelection,
    afterId: string | undefined,
    limit: number,
  ): Promise<string[]> {
    const n = compiled.params.length;
    const rows = await queryRows<{ id: string }>(
      db,
      `SELECT c.id FROM ${compiled.from}
       WHERE ${compiled.predicate} AND ($${n + 1}::uuid IS NULL OR c.id > $${n + 1}::uuid)
       ORDER BY c.id LIMIT $${n + 2}`,
      [...compiled.params, afterId ?? null, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Whether the contact exists and lies within the access scope. */
  async isInScope(db: Db, scope: AccessScope, contactId: string): Promise<boolean> {
    const rows = await queryRows(
      db,
      `SELECT 1 FROM contacts c WHERE (${scope.sql}) AND c.id = $${scope.params.length + 1}::uuid`,
      [...scope.params, contactId],
    );
    return rows.length > 0;
  }

  /** What rules can see of one contact, shaped as libs/rules' ContactFacts. */
  async facts(db: Db, contactId: string): Promise<ContactFacts | undefined> {
    const columns = BUILTIN_FIELDS.map((field) => `c.${field.column} AS "${field.name}"`).join(', ');
    const [row] = await queryRows<Record<string, unknown>>(
      db,
      `SELECT c.id, c.custom, ${columns} FROM contacts c WHERE c.id = $1`,
      [contactId],
    );
    if (!row) return undefined;
    // One after another: inside a transaction they share one connection anyway.
    const memberships = await queryRows<{ groupId: string; addedAt: Date }>(
      db,
      'SELECT group_id AS "groupId", added_at AS "addedAt" FROM group_memberships WHERE contact_id = $1',
      [contactId],
    );
    const tags = await queryRows<{ name: string; taggedAt: Date }>(
      db,
      `SELECT t.name, ct.tagged_at AS "taggedAt" FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
       WHERE ct.contact_id = $1`,
      [contactId],
    );
    const segments = await queryRows<{ segmentId: string; addedAt: Date }>(
      db,
      'SELECT segment_id AS "segmentId", added_at AS "addedAt" FROM segment_members WHERE contact_id = $1',
      [contactId],
    );
    const fields: ContactFacts['fields'] = {};
    for (const field of BUILTIN_FIELDS) {
      const value = row[field.name];
      fields[field.name] = value instanceof Date ? value.toISOString() : (value as string | null);
    }
    return {
      id: contactId,
      fields,
      custom: row['custom'] as Record<string, unknown>,
      memberships: memberships.map((m) => ({ groupId: m.groupId, addedAt: m.addedAt.toISOString() })),
      tags: tags.map((t) => ({ name: t.name, taggedAt: t.taggedAt.toISOString() })),
      segments: segments.map((s) => ({ segmentId: s.segmentId, addedAt: s.addedAt.toISOString() })),
    };
  }
}
