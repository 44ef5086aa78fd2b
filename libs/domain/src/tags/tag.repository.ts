import { Injectable } from '@nestjs/common';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { Tag, TagCount } from './tag.js';

/** Tag names are unique ignoring case; the first spelling used is the one kept. */
@Injectable()
export class TagRepository {
  /** The tags of these names, created where missing; in input order. */
  async ensure(db: Db, names: string[]): Promise<Tag[]> {
    await db.query(
      `INSERT INTO tags (name) SELECT unnest($1::text[]) ON CONFLICT ((lower(name))) DO NOTHING`,
      [names],
    );
    // A separate statement, so a tag another transaction committed meanwhile is seen.
    return queryRows<Tag>(
      db,
      `SELECT t.id, t.name
       FROM unnest($1::text[]) WITH ORDINALITY AS wanted(name, ord)
       JOIN tags t ON lower(t.name) = lower(wanted.name)
       ORDER BY wanted.ord FOR KEY SHARE OF t`,
      [names],
    );
  }

  async find(db: Db, name: string): Promise<Tag | undefined> {
    const rows = await queryRows<Tag>(db, 'SELECT id, name FROM tags WHERE lower(name) = lower($1)', [name]);
    return rows[0];
  }

  /** Tags contacts; returns the (contact, tag) pairs that were not tagged before. */
  async attach(
    db: Db,
    pairs: { contactId: string; tagId: string }[],
    taggedBy: string,
  ): Promise<{ contactId: string; tagId: string }[]> {
    if (pairs.length === 0) return [];
    return queryRows(
      db,
      `INSERT INTO contact_tags (contact_id, tag_id, tagged_by)
       SELECT contact_id, tag_id, $3 FROM unnest($1::uuid[], $2::uuid[]) AS p(contact_id, tag_id)
       ON CONFLICT (contact_id, tag_id) DO NOTHING
       RETURNING contact_id AS "contactId", tag_id AS "tagId"`,
      [pairs.map((pair) => pair.contactId), pairs.map((pair) => pair.tagId), taggedBy],
    );
  }

  /** Removes a tag from contacts; returns the contacts that carried it. */
  async detach(db: Db, contactIds: string[], tagId: string): Promise<string[]> {
    if (contactIds.length === 0) return [];
    const rows = await queryRows<{ contactId: string }>(
      db,
      `DELETE FROM contact_tags WHERE tag_id = $2 AND contact_id = ANY($1::uuid[])
       RETURNING contact_id AS "contactId"`,
      [contactIds, tagId],
    );
    return rows.map((row) => row.contactId);
  }

  async ofContact(db: Db, contactId: string): Promise<Tag[]> {
    return queryRows(
      db,
      `SELECT t.id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
       WHERE ct.contact_id = $1 ORDER BY lower(t.name)`,
      [contactId],
    );
  }

  /** Every tag with its number of contacts, by name ignoring case; `after` is the last lower(name). */
  async listWithCounts(db: Db, after: string | undefined, limit: number): Promise<TagCount[]> {
    return queryRows(
      db,
      `SELECT t.id, t.name, (SELECT count(*) FROM contact_tags ct WHERE ct.tag_id = t.id)::int AS contacts
       FROM tags t WHERE $1::text IS NULL OR lower(t.name) > $1
       ORDER BY lower(t.name) LIMIT $2`,
      [after ?? null, limit],
    );
  }
}
