import { Injectable } from '@nestjs/common';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { GroupTreeError } from '../errors/domain-error.js';
import type { MembershipSource } from '../events/domain-event.js';
import type { Membership, MembershipChange, MembershipPair } from './membership.js';

/** Names from the root down to group `$alias.group_id`. */
const PATH_OF = (groupColumn: string) =>
  `ARRAY(SELECT g.name FROM group_closure up JOIN groups g ON g.id = up.ancestor_id
         WHERE up.descendant_id = ${groupColumn} ORDER BY up.depth DESC)`;

/**
 * The SQL of group memberships. "Member of X" in triggers and filters means a
 * member of X or of any group below it, so every change reports which of the
 * group's ancestors (itself included) the contact's covered set gained or lost.
 * Callers hold the contact row lock (FOR NO KEY UPDATE) before any of these runs,
 * so the memberships these statements read cannot change under them.
 */
@Injectable()
export class MembershipRepository {
  /**
   * Inserts the pairs that are not memberships yet. For each inserted pair, in
   * input order, returns the group's ancestors (nearest first, itself included)
   * that none of the contact's memberships covered before this statement.
   */
  async insert(
    db: Db,
    pairs: MembershipPair[],
    addedBy: string,
    source: MembershipSource,
  ): Promise<MembershipChange[]> {
    if (pairs.length === 0) return [];
    try {
      // The data-modifying CTE's rows are invisible to the rest of the statement,
      // so the NOT EXISTS below sees the memberships as they were before it.
      return await queryRows<MembershipChange>(
        db,
        `WITH pair AS (
           SELECT contact_id, group_id, ord
           FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS p(contact_id, group_id, ord)
         ), inserted AS (
           INSERT INTO group_memberships (contact_id, group_id, added_by, source)
           SELECT contact_id, group_id, $3, $4 FROM pair ORDER BY ord
           ON CONFLICT (contact_id, group_id) DO NOTHING
           RETURNING contact_id, group_id
         )
         SELECT pair.contact_id AS "contactId", pair.group_id AS "groupId",
           ${PATH_OF('pair.group_id')} AS "groupPath",
           ARRAY(SELECT up.ancestor_id FROM group_closure up
                 WHERE up.descendant_id = pair.group_id
                   AND NOT EXISTS (
                     SELECT 1 FROM group_memberships held
                     JOIN group_closure covered ON covered.descendant_id = held.group_id
                     WHERE held.contact_id = pair.contact_id AND covered.ancestor_id = up.ancestor_id)
                 ORDER BY up.depth) AS "subtreesChanged"
         FROM pair JOIN inserted USING (contact_id, group_id)
         ORDER BY pair.ord`,
        [pairs.map((pair) => pair.contactId), pairs.map((pair) => pair.groupId), addedBy, source],
      );
    } catch (error) {
      if (violatedConstraint(error, '23503') === 'group_memberships_group_id_fkey') {
        throw new GroupTreeError('GROUP_NOT_FOUND', 'the group was deleted meanwhile', { field: 'groupId' });
      }
      throw error;
    }
  }

  /**
   * Deletes the pairs that are memberships. For each deleted pair, in input order,
   * returns the group's ancestors (nearest first, itself included) that no
   * remaining membership of the contact covers.
   */
  async delete(db: Db, pairs: MembershipPair[]): Promise<MembershipChange[]> {
    if (pairs.length === 0) return [];
    const deleted = await queryRows<{ contactId: string; groupId: string; ord: string }>(
      db,
      `WITH pair AS (
         SELECT contact_id, group_id, ord
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS p(contact_id, group_id, ord)
       ), deleted AS (
         DELETE FROM group_memberships m USING pair
         WHERE m.contact_id = pair.contact_id AND m.group_id = pair.group_id
         RETURNING m.contact_id, m.group_id, pair.ord
       )
       SELECT contact_id AS "contactId", group_id AS "groupId", ord FROM deleted ORDER BY ord`,
      [pairs.map((pair) => pair.contactId), pairs.map((pair) => pair.groupId)],
    );
    if (deleted.length === 0) return [];
    // A new statement: its snapshot includes this transaction's deletes.
    return queryRows<MembershipChange>(
      db,
      `SELECT pair.contact_id AS "contactId", pair.group_id AS "groupId",
         ${PATH_OF('pair.group_id')} AS "groupPath",
         ARRAY(SELECT up.ancestor_id FROM group_closure up
               WHERE up.descendant_id = pair.group_id
                 AND NOT EXISTS (
                   SELECT 1 FROM group_memberships held
                   JOIN group_closure covered ON covered.descendant_id = held.group_id
                   WHERE held.contact_id = pair.contact_id AND covered.ancestor_id = up.ancestor_id)
               ORDER BY up.depth) AS "subtreesChanged"
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS pair(contact_id, group_id, ord)
       ORDER BY pair.ord`,
      [deleted.map((row) => row.contactId), deleted.map((row) => row.groupId)],
    );
  }

  /** The existing ones of these groups; with `lock`, key-share locked so they stay until the caller commits. */
  async existingGroups(db: Db, groupIds: string[], options: { lock?: boolean } = {}): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const rows = await queryRows<{ id: string }>(
      db,
      `SELECT id FROM groups WHERE id = ANY($1::uuid[]) ORDER BY id ${options.lock ? 'FOR KEY SHARE' : ''}`,
      [groupIds],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Resolves group paths (segment names from the root) to ids in one statement,
   * walking the sibling unique index down from the roots; null where no group
   * has that path.
   */
  async resolvePaths(db: Db, paths: string[][]): Promise<(string | null)[]> {
    if (paths.length === 0) return [];
    const rows = await queryRows<{ id: string | null }>(
      db,
      `WITH RECURSIVE path AS (
         SELECT ord, segments FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS p(segments, ord)
       ), walk AS (
         SELECT path.ord, 1 AS depth, g.id
         FROM path JOIN groups g ON g.parent_id IS NULL AND g.name = path.segments ->> 0
         UNION ALL
         SELECT walk.ord, walk.depth + 1, child.id
         FROM walk JOIN path ON path.ord = walk.ord
         JOIN groups child ON child.parent_id = walk.id AND child.name = path.segments ->> walk.depth
       )
       SELECT walk.id FROM path
       LEFT JOIN walk ON walk.ord = path.ord AND walk.depth = jsonb_array_length(path.segments)
       ORDER BY path.ord`,
      [JSON.stringify(paths)],
    );
    return rows.map((row) => row.id);
  }

  async listForContact(db: Db, contactId: string): Promise<Membership[]> {
    return queryRows(
      db,
      `SELECT m.group_id AS "groupId", ${PATH_OF('m.group_id')} AS "groupPath",
         m.added_at AS "addedAt", m.added_by AS "addedBy", m.source
       FROM group_memberships m WHERE m.contact_id = $1
       ORDER BY m.added_at, m.group_id`,
      [contactId],
    );
  }
}
