import { Injectable } from '@nestjs/common';
import { ContactRepository } from '../contacts/contact.repository.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { Transactions } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import type { DomainEvent } from '../events/domain-event.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';

/** A contact's history from the append-only event log, newest first. */
@Injectable()
export class TimelineService {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: DomainEventRepository,
    private readonly contacts: ContactRepository,
  ) {}

  /** An erased contact still has its tombstone here; only an id never seen is CONTACT_NOT_FOUND. */
  async forContact(contactId: string, request: PageRequest): Promise<Page<DomainEvent>> {
    const limit = pageSize(request.limit);
    const before = decodeTypedCursor('timeline', request.cursor, ['integer'])?.[0];
    const db = this.transactions.pool;
    const rows = await this.events.timeline(db, contactId, before, limit + 1);
    if (rows.length === 0 && before === undefined && !(await this.contacts.find(db, contactId))) {
      throw new ContactError('CONTACT_NOT_FOUND', `no contact ${contactId}`, { contactId });
    }
    return toPage(rows, limit, 'timeline', (event) => [event.seq]);
  }
}
