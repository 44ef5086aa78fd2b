import { Injectable } from '@nestjs/common';
import { CONTACT_COLUMNS } from '../contacts/contact.repository.js';
import type { Contact } from '../contacts/contact.js';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { LabelError } from '../errors/domain-error.js';
import type { NewSegment, Segment, SegmentMember } from './segment.js';

const COLUMNS = `s.id, s.name, s.description, s.created_at AS "createdAt",
  (SELECT count(*) FROM segment_members sm WHERE sm.segment_id = s.id)::int AS "memberCount"`;

function translate(error: unknown, name: string | undefined): never {
  if (violatedConstraint(error, '23505') !== undefined) {
    throw new LabelError('SEGMENT_NAME_TAKEN', `a segment named "${name}" already exists`, { field: 'name' });
  }
  throw error;
}

@Injectable()
export class SegmentRepository {
  async insert(db: Db, segment: NewSegment): Promise<Segment> {
    try {
      const [created] = await queryRows<{ id: string }>(
        db,
        'INSERT INTO segments (name, description) VALUES ($1, $2) RETURNING id',
        [segment.name, segment.description ?? null],
      );
      return (await this.find(db, created!.id))!;
    } catch (error) {
      translate(error, segment.name);
    }
  }

  async find(db: Db, id: string): Promise<Segment | undefined> {
    const rows = await queryRows<Segment>(db, `SELECT ${COLUMNS} FROM segments s WHERE s.id = $1`, [id]);
    return rows[0];
  }

  /**
   * Locks the segment row: `share` keeps it in place while members are added or
   * removed, `update` holds off those changes while it is renamed or deleted.
   */
  async lock(
    db: Db,
    id: string,
    mode: 'share' | 'update',
  ): Promise<{ id: string; name: string } | undefined> {
    const rows = await queryRows<{ id: string; name: string }>(
      db,
      `SELECT id, name FROM segments WHERE id = $1 ${mode === 'share' ? 'FOR KEY SHARE' : 'FOR UPDATE'}`,
      [id],
    );
    return rows[0];
  }

  async list(db: Db, afterName: string | undefined, limit: number): Promise<Segment[]> {
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM segments s WHERE $1::text IS NULL OR s.name > $1 ORDER BY s.name LIMIT $2`,
      [afterName ?? null, limit],
    );
  }

  async update(db: Db, id: string, patch: { name?: string; description?: string | null }): Promise<void> {
    try {
      await db.query(
        `UPDATE segments SET name = coalesce($2, name),
           description = CASE WHEN $3::boolean THEN $4 ELSE description END
         WHERE id = $1`,
        [id, patch.name ?? null, patch.description !== undefined, patch.description ?? null],
      );
    } catch (error) {
      translate(error, patch.name);
    }
  }

  /** Deletes the segment; returns its former members. */
  async delete(db: Db, id: string): Promise<string[]> {
    const members = await queryRows<{ contactId: string }>(
      db,
      'DELETE FROM segment_members WHERE segment_id = $1 RETURNING contact_id AS "contactId"',
      [id],
    );
    await db.query('DELETE FROM segments WHERE id = $1', [id]);
    return members.map((member) => member.contactId);
  }

  /** Adds locked contacts; returns those that were not members before. */
  async addMembers(db: Db, segmentId: string, contactIds: string[]): Promise<string[]> {
    if (contactIds.length === 0) return [];
    const rows = await queryRows<{ contactId: string }>(
      db,
      `INSERT INTO segment_members (segment_id, contact_id) SELECT $1, unnest($2::uuid[])
       ON CONFLICT (segment_id, contact_id) DO NOTHING RETURNING contact_id AS "contactId"`,
      [segmentId, contactIds],
    );
    return rows.map((row) => row.contactId);
  }

  /** Removes contacts; returns those that were members. */
  async removeMembers(db: Db, segmentId: string, contactIds: string[]): Promise<string[]> {
    if (contactIds.length === 0) return [];
    const rows = await queryRows<{ contactId: string }>(
      db,
      `DELETE FROM segment_members WHERE segment_id = $1 AND contact_id = ANY($2::uuid[])
       RETURNING contact_id AS "contactId"`,
      [segmentId, contactIds],
    );
    return rows.map((row) => row.contactId);
  }

  /** Members by contact id; `afterContactId` continues a page. */
  async members(
    db: Db,
    segmentId: string,
    afterContactId: string | undefined,
    limit: number,
  ): Promise<SegmentMember[]> {
    const rows = await queryRows<Contact & { addedAt: Date }>(
      db,
      `SELECT ${CONTACT_COLUMNS('c')}, sm.added_at AS "addedAt"
       FROM segment_members sm JOIN contacts c ON c.id = sm.contact_id
       WHERE sm.segment_id = $1 AND ($2::uuid IS NULL OR sm.contact_id > $2::uuid)
       ORDER BY sm.contact_id LIMIT $3`,
      [segmentId, afterContactId ?? null, limit],
    );
    return rows.map(({ addedAt, ...contact }) => ({ contact, addedAt }));
  }
}
