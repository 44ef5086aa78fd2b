import { Injectable } from '@nestjs/common';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { DomainEventType } from '../events/domain-event.js';
import type { FollowUpSequenceInput, FollowUpStopRequest } from './workflow-contracts.js';

export interface RelayPosition {
  name: string;
  txId: string;
  seq: string;
}

export interface RelayedEvent {
  seq: string;
  txId: string;
  occurredAt: Date;
  type: DomainEventType;
  contactId: string | null;
  actor: string;
  payload: Record<string, unknown>;
}

export type AutomationCommand =
  | { kind: 'start'; workflowId: string; payload: FollowUpSequenceInput }
  | { kind: 'signal'; workflowId: string; payload: FollowUpStopRequest };

export type StoredCommand = AutomationCommand & { id: string; attempts: number };

/** The relay's position in the event log and the Temporal commands it decided. */
@Injectable()
export class RelayRepository {
  /**
   * Locks the position row for this transaction; undefined when another relay
   * holds it (that one is the active relay until its transaction ends).
   */
  async lockPosition(db: Db, name: string): Promise<RelayPosition | undefined> {
    const rows = await queryRows<RelayPosition>(
      db,
      `SELECT name, tx_id::text AS "txId", seq::text AS seq FROM relay_positions
       WHERE name = $1 FOR UPDATE SKIP LOCKED`,
      [name],
    );
    return rows[0];
  }

  /**
   * Makes this transaction the only dispatcher until it ends; false when another
   * holds it. An advisory lock takes no transaction id, so the Temporal calls made
   * while holding it never hold back the event watermark (as long as the
   * transaction writes nothing). Asked again in the same transaction it answers
   * true, or fails when the connection, and with it the lock, is gone.
   */
  async lockDispatch(db: Db): Promise<boolean> {
    const [row] = await queryRows<{ locked: boolean }>(
      db,
      `SELECT pg_try_advisory_xact_lock(7463023) AS locked`,
    );
    return row?.locked === true;
  }

  /**
   * Events after the position in (transaction, seq) order, only from transactions
   * older than every transaction still running: those are final, so an event that
   * commits late is read once its transaction is below the watermark, never skipped.
   */
  async eventsAfter(db: Db, position: RelayPosition, limit: number): Promise<RelayedEvent[]> {
    return queryRows<RelayedEvent>(
      db,
      `SELECT seq::text AS seq, tx_id::text AS "txId", occurred_at AS "occurredAt", type,
         contact_id AS "contactId", actor, payload
       FROM domain_events
       WHERE (tx_id, seq) > ($1::xid8, $2::bigint)
         AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY tx_id, seq
       LIMIT $3`,
      [position.txId, position.seq, limit],
    );
  }

  /** Whether events after the position exist that the watermark still holds back. */
  async heldBack(db: Db, position: RelayPosition): Promise<boolean> {
    const [row] = await queryRows<{ held: boolean }>(
      db,
      `SELECT EXISTS (SELECT 1 FROM domain_events WHERE (tx_id, seq) > ($1::xid8, $2::bigint)) AS held`,
      [position.txId, position.seq],
    );
    return row?.held === true;
  }

  async savePosition(db: Db, name: string, last: { txId: string; seq: string }): Promise<void> {
    await db.query(
      `UPDATE relay_positions SET tx_id = $2::xid8, seq = $3::bigint, updated_at = now() WHERE name = $1`,
      [name, last.txId, last.seq],
    );
  }

  /** Events logged but not relayed yet (for tests, health and benchmarks). */
  async backlog(db: Db, name: string): Promise<number> {
    const [row] = await queryRows<{ count: number }>(
      db,
      `SELECT count(*)::int AS count FROM domain_events e, relay_positions p
       WHERE p.name = $1 AND (e.tx_id, e.seq) > (p.tx_id, p.seq)`,
      [name],
    );
    return row?.count ?? 0;
  }

  async insertCommands(db: Db, commands: AutomationCommand[]): Promise<void> {
    if (commands.length === 0) return;
    await db.query(
      `INSERT INTO automation_commands (kind, workflow_id, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`,
      [
        commands.map((command) => command.kind),
        commands.map((command) => command.workflowId),
        commands.map((command) => JSON.stringify(command.payload)),
      ],
    );
  }

  /**
   * The oldest commands after `after` (an id), in the order they were decided; ids
   * grow in commit order, since one relay at a time decides (the position lock).
   * Ordered by the bigint column (`c.id`): a bare `id` would sort the text alias,
   * '10' before '9', and hand a stop to the dispatcher before its start once ids
   * cross a power of ten.
   */
  async pendingCommands(db: Db, limit: number, after = '0'): Promise<StoredCommand[]> {
    return queryRows<StoredCommand>(
      db,
      `SELECT c.id::text AS id, c.kind, c.workflow_id AS "workflowId", c.payload, c.attempts
       FROM automation_commands c WHERE c.id > $2::bigint ORDER BY c.id LIMIT $1`,
      [limit, after],
    );
  }

  async deleteCommands(db: Db, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.query(`DELETE FROM automation_commands WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async noteCommandFailures(db: Db, failures: { id: string; error: string }[]): Promise<void> {
    if (failures.length === 0) return;
    await db.query(
      `UPDATE automation_commands c SET attempts = attempts + 1, last_error = f.error
       FROM unnest($1::bigint[], $2::text[]) AS f(id, error) WHERE c.id = f.id`,
      [failures.map((f) => f.id), failures.map((f) => f.error.slice(0, 2000))],
    );
  }
}
