import { Injectable } from '@nestjs/common';
import type { Contact } from '../contacts/contact.js';
import { ContactRepository } from '../contacts/contact.repository.js';
import { Transactions, type Db } from '../database/transactions.js';
import { DomainError } from '../errors/domain-error.js';
import type { NewDomainEvent } from '../events/domain-event.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import type { Delivery, DeliveryChannel, DeliveryOutcome, SequenceDeliveryRequest } from './delivery.js';
import { MailRejection } from './delivery-mailer.js';
import { DeliveryRepository } from './delivery.repository.js';

/** What a channel produced for one contact: kept on the delivery row. */
export interface Transmitted {
  messageId?: string;
  document?: Buffer;
}

/** A channel's parts: work without locks (load, render), then the send itself under the row lock. */
export interface DeliveryChannelSteps<Prepared> {
  channel: DeliveryChannel;
  /** Loads and renders; a DomainError here (a missing or broken template) is a permanent failure. */
  prepare(contact: Contact): Promise<{ prepared: Prepared; templateVersion: number | null }>;
  /** What the delivery row keeps once sent (message id, document). */
  transmitted(prepared: Prepared, contact: Contact): Transmitted;
  /** Sends; a MailRejection marked permanent is a permanent failure, anything else is retried. */
  transmit(prepared: Prepared, contact: Contact): Promise<void>;
}

function outcomeOf(delivery: Delivery): DeliveryOutcome {
  switch (delivery.status) {
    case 'sent':
      return { status: 'sent', deliveryId: delivery.id };
    case 'failed':
      return { status: 'failed', deliveryId: delivery.id, error: delivery.error ?? 'failed' };
    case 'skipped':
      return {
        status: 'skipped',
        deliveryId: delivery.id,
        reason: (delivery.error ?? 'unsubscribed') as never,
      };
    default:
      throw new Error(`delivery ${delivery.id} is still pending`);
  }
}

class PermanentFailure extends Error {}

/**
 * Exactly-once bookkeeping for deliveries. The intent is recorded as `pending`
 * before anything is sent; the send happens while the row is locked, so two
 * attempts with the same key never overlap, and the row turns `sent`, `failed` or
 * `skipped` in the transaction that also writes the contact's timeline event.
 * A retry finds the final state and sends nothing. Consent is read at send time.
 */
@Injectable()
export class DeliveryLedgerService {
  constructor(
    private readonly transactions: Transactions,
    private readonly deliveries: DeliveryRepository,
    private readonly contacts: ContactRepository,
    private readonly events: DomainEventRepository,
  ) {}

  async deliver<Prepared>(
    request: SequenceDeliveryRequest,
    steps: DeliveryChannelSteps<Prepared>,
  ): Promise<DeliveryOutcome> {
    const pool = this.transactions.pool;
    const contact = await this.contacts.find(pool, request.contactId);
    if (!contact) return { status: 'skipped', reason: 'contactDeleted' };
    await this.deliveries.insertPending(pool, request, steps.channel);
    const recorded = await this.deliveries.findByKey(pool, request.idempotencyKey);
    if (!recorded) return { status: 'skipped', reason: 'contactDeleted' };
    if (recorded.status !== 'pending') return outcomeOf(recorded);

    let prepared: { prepared: Prepared; templateVersion: number | null };
    try {
      prepared = await steps.prepare(contact);
    } catch (error) {
      if (error instanceof DomainError) return this.fail(request, steps.channel, error.message, null);
      await this.deliveries.noteAttempt(pool, request.idempotencyKey, String(error));
      throw error;
    }

    try {
      return await this.transactions.run(async (db) => {
        const row = await this.deliveries.findByKey(db, request.idempotencyKey, { lock: true });
        if (!row) return { status: 'skipped', reason: 'contactDeleted' } as const;
        if (row.status !== 'pending') return outcomeOf(row);
        const current = await this.contacts.find(db, request.contactId);
        if (!current) return { status: 'skipped', reason: 'contactDeleted' } as const;
        if (current.consent === 'unsubscribed') return this.skip(db, row, request, 'unsubscribed');
        if (steps.channel === 'email' && !current.email) return this.skip(db, row, request, 'noEmail');
        // The row turns `sent` before SMTP is called and the transaction commits right
        // after the server's answer: a crash in between leaves as little as possible
        // (one COMMIT) between "accepted by SMTP" and "recorded as sent".
        const outcome = steps.transmitted(prepared.prepared, current);
        await this.deliveries.complete(db, row.id, {
          status: 'sent',
          templateVersion: prepared.templateVersion,
          messageId: outcome.messageId ?? null,
          document: outcome.document ?? null,
        });
        await this.events.append(db, [
          this.event('delivery.sent', request, steps.channel, {
            deliveryId: row.id,
            templateVersion: prepared.templateVersion,
            ...(outcome.messageId ? { messageId: outcome.messageId } : {}),
            ...(steps.channel === 'letter' ? { download: `/v1/letters/${row.id}` } : {}),
          }),
        ]);
        try {
          await steps.transmit(prepared.prepared, current);
        } catch (error) {
          if (error instanceof MailRejection && error.permanent) throw new PermanentFailure(error.message);
          throw error;
        }
        return { status: 'sent', deliveryId: row.id } as const;
      });
    } catch (error) {
      if (error instanceof PermanentFailure) {
        return this.fail(request, steps.channel, error.message, prepared.templateVersion);
      }
      await this.deliveries.noteAttempt(pool, request.idempotencyKey, String(error));
      throw error;
    }
  }

  private async skip(
    db: Db,
    row: Delivery,
    request: SequenceDeliveryRequest,
    reason: 'unsubscribed' | 'noEmail',
  ): Promise<DeliveryOutcome> {
    await this.deliveries.complete(db, row.id, { status: 'skipped', error: reason });
    await this.events.append(db, [
      this.event('delivery.skipped', request, row.channel, { deliveryId: row.id, reason }),
    ]);
    return { status: 'skipped', deliveryId: row.id, reason };
  }

  private fail(
    request: SequenceDeliveryRequest,
    channel: DeliveryChannel,
    message: string,
    templateVersion: number | null,
  ): Promise<DeliveryOutcome> {
    return this.transactions.run(async (db) => {
      const row = await this.deliveries.findByKey(db, request.idempotencyKey, { lock: true });
      if (!row) return { status: 'skipped', reason: 'contactDeleted' } as const;
      if (row.status !== 'pending') return outcomeOf(row);
      await this.deliveries.complete(db, row.id, { status: 'failed', error: message, templateVersion });
      await this.events.append(db, [
        this.event('delivery.failed', request, channel, { deliveryId: row.id, error: message }),
      ]);
      return { status: 'failed', deliveryId: row.id, error: message } as const;
    });
  }

  private event(
    type: 'delivery.sent' | 'delivery.failed' | 'delivery.skipped',
    request: SequenceDeliveryRequest,
    channel: DeliveryChannel,
    details: Record<string, unknown>,
  ): NewDomainEvent {
    return {
      type,
      contactId: request.contactId,
      actor: `automation:${request.workflowId}`,
      payload: {
        channel,
        template: request.template,
        sequence: request.sequence,
        stepIndex: request.stepIndex,
        ...details,
      },
    };
  }
}
