import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterCommit, type Db } from '../database/transactions.js';
import { DomainEventNotifier } from './domain-event-notifier.js';
import type { DomainEvent, NewDomainEvent } from './domain-event.js';

interface EventRow {
  seq: string;
  occurredAt: Date;
  type: DomainEvent['type'];
  contactId: string | null;
  actor: string;
  payload: Record<string, unknown>;
}

/** The append-only event log: the per-contact timeline and the automation outbox. */
@Injectable()
export class DomainEventRepository {
  private readonly notifier?: DomainEventNotifier;

  constructor(@Optional() @InjectDataSource() dataSource?: DataSource) {
    const logger = new Logger(DomainEventRepository.name);
    if (dataSource) {
      this.notifier = new DomainEventNotifier(dataSource, (error) =>
        logger.warn({ err: error }, 'could not notify event consumers; they will poll'),
      );
    }
  }

  /**
   * Must run on the transaction that makes the change, so no committed change lacks
   * its event. Consumers are woken once the transaction commits.
   */
  async append(db: Db, events: NewDomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await db.query(
      `INSERT INTO domain_events (type, contact_id, actor, payload)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::jsonb[])`,
      [
        events.map((event) => event.type),
        events.map((event) => event.contactId),
        events.map((event) => event.actor),
        events.map((event) => JSON.stringify(event.payload)),
      ],
    );
    const notifier = this.notifier;
    if (notifier) afterCommit(db, () => notifier.notifySoon());
  }

  /** Newest first; `beforeSeq` continues a page. */
  async timeline(
    db: Db,
    contactId: string,
    beforeSeq: string | undefined,
    limit: number,
  ): Promise<DomainEvent[]> {
    // ORDER BY names the column: a bare `seq` would sort the text alias ("10" before "9").
    const rows: EventRow[] = await db.query(
      `SELECT seq::text AS seq, occurred_at AS "occurredAt", type, contact_id AS "contactId", actor, payload
       FROM domain_events
       WHERE contact_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
       ORDER BY domain_events.seq DESC LIMIT $3`,
      [contactId, beforeSeq ?? null, limit],
    );
    return rows;
  }

  /** GDPR erasure: the contact's history goes; the caller appends an anonymous tombstone. */
  async eraseContactHistory(db: Db, contactId: string): Promise<void> {
    await db.query('DELETE FROM domain_events WHERE contact_id = $1', [contactId]);
  }
}
