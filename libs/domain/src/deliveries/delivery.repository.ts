import { Injectable } from '@nestjs/common';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { Delivery, DeliveryChannel, SequenceDeliveryRequest } from './delivery.js';

const COLUMNS = `id, idempotency_key AS "idempotencyKey", channel, contact_id AS "contactId",
  workflow_id AS "workflowId", sequence_name AS "sequence", step_index AS "stepIndex",
  template_name AS "templateName", template_version AS "templateVersion", status, attempts,
  message_id AS "messageId", error, created_at AS "createdAt", completed_at AS "completedAt"`;

export interface DeliveryCounts {
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
}

/** The delivery ledger: one row per idempotency key, pending until it is sent, failed or skipped. */
@Injectable()
export class DeliveryRepository {
  /** Records the intent to deliver; a second call with the same key changes nothing. */
  async insertPending(db: Db, request: SequenceDeliveryRequest, channel: DeliveryChannel): Promise<void> {
    await db.query(
      `INSERT INTO deliveries (idempotency_key, channel, contact_id, workflow_id, sequence_name, step_index, template_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        request.idempotencyKey,
        channel,
        request.contactId,
        request.workflowId,
        request.sequence,
        request.stepIndex,
        request.template,
      ],
    );
  }

  /** With `lock`, holds the row until the transaction ends: one attempt at a time per key. */
  async findByKey(db: Db, key: string, options: { lock?: boolean } = {}): Promise<Delivery | undefined> {
    const rows = await queryRows<Delivery>(
      db,
      `SELECT ${COLUMNS} FROM deliveries WHERE idempotency_key = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [key],
    );
    return rows[0];
  }

  async complete(
    db: Db,
    id: string,
    change: {
      status: 'sent' | 'failed' | 'skipped';
      templateVersion?: number | null;
      messageId?: string | null;
      error?: string | null;
      document?: Buffer | null;
    },
  ): Promise<void> {
    await db.query(
      `UPDATE deliveries SET status = $2, template_version = COALESCE($3, template_version),
         message_id = $4, error = $5, document = $6, attempts = attempts + 1, completed_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [
        id,
        change.status,
        change.templateVersion ?? null,
        change.messageId ?? null,
        change.error ?? null,
        change.document ?? null,
      ],
    );
  }

  /** A failed attempt that will be retried: the row stays pending. */
  async noteAttempt(db: Db, key: string, error: string): Promise<void> {
    await db.query(
      `UPDATE deliveries SET attempts = attempts + 1, error = $2 WHERE idempotency_key = $1 AND status = 'pending'`,
      [key, error.slice(0, 2000)],
    );
  }

  async letterDocument(
    db: Db,
    id: string,
  ): Promise<{ document: Buffer; templateName: string; contactId: string } | undefined> {
    const rows = await queryRows<{ document: Buffer; templateName: string; contactId: string }>(
      db,
      `SELECT document, template_name AS "templateName", contact_id AS "contactId"
       FROM deliveries WHERE id = $1 AND channel = 'letter' AND status = 'sent' AND document IS NOT NULL`,
      [id],
    );
    return rows[0];
  }

  async countsForSequence(db: Db, sequence: string): Promise<DeliveryCounts> {
    const rows = await queryRows<{ status: keyof DeliveryCounts; count: number }>(
      db,
      `SELECT status, count(*)::int AS count FROM deliveries WHERE sequence_name = $1 GROUP BY status`,
      [sequence],
    );
    const counts: DeliveryCounts = { sent: 0, failed: 0, skipped: 0, pending: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }
}
