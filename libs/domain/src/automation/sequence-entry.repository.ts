import { Injectable } from '@nestjs/common';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { FollowUpProgress, SequenceEntry } from './sequence-entry.js';

const COLUMNS = `workflow_id AS "workflowId", sequence_name AS "sequence", contact_id AS "contactId",
  automation_version_id AS "automationVersionId", trigger_event_seq::text AS "triggerEventSeq", depth,
  status, current_step AS "currentStep", next_wake_up_at AS "nextWakeUpAt", stop_reason AS "stopReason",
  start_group_id AS "startGroupId", entered_at AS "enteredAt", ended_at AS "endedAt"`;

export interface NewSequenceEntry {
  workflowId: string;
  sequence: string;
  contactId: string;
  automationVersionId: string;
  triggerEventSeq: string;
  depth: number;
  startGroupId: string | null;
  exitOnLeavingStartGroup: boolean;
}

/** The latest entry of a contact into a sequence and how many there were. */
export interface EntryHistory {
  sequence: string;
  contactId: string;
  count: number;
  lastEnteredAt: Date;
}

export interface OpenEntry {
  workflowId: string;
  sequence: string;
  contactId: string;
  startGroupId: string | null;
  exitOnLeavingStartGroup: boolean;
}

export interface StepCount {
  stepIndex: number;
  status: SequenceEntry['status'];
  count: number;
}

/** One row per entry of a contact into a sequence: re-entry policies, the loop guard, progress. */
@Injectable()
export class SequenceEntryRepository {
  /** Inserts the entries not recorded yet (a redelivered event adds nothing); returns the inserted ids. */
  async insertMany(db: Db, entries: NewSequenceEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    const rows = await queryRows<{ workflowId: string }>(
      db,
      `INSERT INTO sequence_entries (workflow_id, sequence_name, contact_id, automation_version_id,
         trigger_event_seq, depth, start_group_id, exit_on_leaving_start_group)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::int[], $7::uuid[], $8::boolean[])
       ON CONFLICT DO NOTHING
       RETURNING workflow_id AS "workflowId"`,
      [
        entries.map((e) => e.workflowId),
        entries.map((e) => e.sequence),
        entries.map((e) => e.contactId),
        entries.map((e) => e.automationVersionId),
        entries.map((e) => e.triggerEventSeq),
        entries.map((e) => e.depth),
        entries.map((e) => e.startGroupId),
        entries.map((e) => e.exitOnLeavingStartGroup),
      ],
    );
    return rows.map((row) => row.workflowId);
  }

  async history(db: Db, pairs: { sequence: string; contactId: string }[]): Promise<EntryHistory[]> {
    if (pairs.length === 0) return [];
    return queryRows<EntryHistory>(
      db,
      `SELECT e.sequence_name AS "sequence", e.contact_id AS "contactId", count(*)::int AS count,
         max(e.entered_at) AS "lastEnteredAt"
       FROM sequence_entries e
       JOIN unnest($1::text[], $2::uuid[]) AS p(sequence_name, contact_id)
         ON e.sequence_name = p.sequence_name AND e.contact_id = p.contact_id
       GROUP BY e.sequence_name, e.contact_id`,
      [pairs.map((p) => p.sequence), pairs.map((p) => p.contactId)],
    );
  }

  /** Depth of the entries whose workflows made the changes (loop guard). */
  async depths(db: Db, workflowIds: string[]): Promise<Map<string, number>> {
    if (workflowIds.length === 0) return new Map();
    const rows = await queryRows<{ workflowId: string; depth: number }>(
      db,
      `SELECT workflow_id AS "workflowId", depth FROM sequence_entries WHERE workflow_id = ANY($1::text[])`,
      [workflowIds],
    );
    return new Map(rows.map((row) => [row.workflowId, row.depth]));
  }

  /** Entries per contact since a moment (loop guard). */
  async recentCounts(db: Db, contactIds: string[], since: Date): Promise<Map<string, number>> {
    if (contactIds.length === 0) return new Map();
    const rows = await queryRows<{ contactId: string; count: number }>(
      db,
      `SELECT contact_id AS "contactId", count(*)::int AS count FROM sequence_entries
       WHERE contact_id = ANY($1::uuid[]) AND entered_at >= $2 GROUP BY contact_id`,
      [contactIds, since],
    );
    return new Map(rows.map((row) => [row.contactId, row.count]));
  }

  /** Entries still running (or waiting) for these contacts. */
  async open(db: Db, contactIds: string[]): Promise<OpenEntry[]> {
    if (contactIds.length === 0) return [];
    return queryRows<OpenEntry>(
      db,
      `SELECT workflow_id AS "workflowId", sequence_name AS "sequence", contact_id AS "contactId",
         start_group_id AS "startGroupId", exit_on_leaving_start_group AS "exitOnLeavingStartGroup"
       FROM sequence_entries
       WHERE contact_id = ANY($1::uuid[]) AND status IN ('running', 'waiting')
       ORDER BY entered_at, workflow_id`,
      [contactIds],
    );
  }

  /**
   * Stores what a follow-up reports. Returns true when this call ended the entry
   * (so a retried activity writes the ending only once).
   */
  async recordProgress(
    db: Db,
    progress: FollowUpProgress,
  ): Promise<{ ended: boolean; entry?: SequenceEntry }> {
    const final = progress.state === 'completed' || progress.state === 'stopped';
    const rows = await queryRows<SequenceEntry>(
      db,
      `UPDATE sequence_entries SET status = $2, current_step = $3, next_wake_up_at = $4, stop_reason = $5,
         ended_at = CASE WHEN $6 THEN now() ELSE ended_at END
       WHERE workflow_id = $1 AND status IN ('running', 'waiting')
       RETURNING ${COLUMNS}`,
      [
        progress.workflowId,
        progress.state,
        progress.stepIndex,
        progress.nextWakeUpAt,
        progress.stopReason,
        final,
      ],
    );
    return { ended: final && rows.length > 0, entry: rows[0] };
  }

  async forContact(db: Db, contactId: string, limit: number): Promise<SequenceEntry[]> {
    return queryRows<SequenceEntry>(
      db,
      `SELECT ${COLUMNS} FROM sequence_entries WHERE contact_id = $1
       ORDER BY (status IN ('running', 'waiting')) DESC, entered_at DESC, workflow_id LIMIT $2`,
      [contactId, limit],
    );
  }

  async find(db: Db, workflowId: string): Promise<SequenceEntry | undefined> {
    const rows = await queryRows<SequenceEntry>(
      db,
      `SELECT ${COLUMNS} FROM sequence_entries WHERE workflow_id = $1`,
      [workflowId],
    );
    return rows[0];
  }

  /** Entries of a sequence per step and status. */
  async stepCounts(db: Db, sequence: string): Promise<StepCount[]> {
    return queryRows<StepCount>(
      db,
      `SELECT current_step AS "stepIndex", status, count(*)::int AS count FROM sequence_entries
       WHERE sequence_name = $1 GROUP BY current_step, status ORDER BY current_step, status`,
      [sequence],
    );
  }

  /** Why the stopped entries of a sequence stopped. */
  async stopReasons(db: Db, sequence: string): Promise<{ reason: string; count: number }[]> {
    return queryRows(
      db,
      `SELECT COALESCE(stop_reason, 'unknown') AS reason, count(*)::int AS count FROM sequence_entries
       WHERE sequence_name = $1 AND status = 'stopped' GROUP BY 1 ORDER BY 2 DESC, 1`,
      [sequence],
    );
  }
}
