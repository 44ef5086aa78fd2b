import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import type { MembershipSource } from '../events/domain-event.js';
import { MembershipService } from '../memberships/membership.service.js';
import { TagService } from '../tags/tag.service.js';
import type { Contact, ContactPatch } from './contact.js';
import { ContactService } from './contact.service.js';
import { PendingEvents } from './pending-events.js';

/** A person identified by email, with groups (by path) and tags to add. */
export interface ContactUpsert extends Omit<ContactPatch, 'email'> {
  email: string;
  /** Group paths such as `Travel offers/Greece`; the contact is added to each (never removed). */
  groups?: string[];
  /** Tags to add; tags that do not exist yet are created. */
  tags?: string[];
}

export interface UpsertResult {
  contact: Contact;
  created: boolean;
}

/**
 * Create-or-update by email for integrations, in one transaction: the person,
 * their groups and tags, and every event. An unknown group path fails the whole
 * call before anything is written.
 */
@Injectable()
export class ContactUpsertService {
  constructor(
    private readonly transactions: Transactions,
    private readonly contacts: ContactService,
    private readonly memberships: MembershipService,
    private readonly tags: TagService,
    private readonly events: DomainEventRepository,
  ) {}

  async upsert(input: ContactUpsert, actor: string, source: MembershipSource = 'api'): Promise<UpsertResult> {
    const { groups = [], tags = [], email, ...fields } = input;
    return this.transactions.run(
      async (db) => {
        const groupIds = groups.length > 0 ? await this.memberships.resolvePathsWithin(db, groups) : [];
        // Every event of the call goes out in one statement at the end.
        const pending = new PendingEvents(this.events);
        let contact: Contact | undefined;
        let created = false;
        // Two rounds at most: when another transaction creates this person first,
        // ON CONFLICT waits for it to commit and the second lookup finds the row.
        for (let round = 0; round < 3 && !contact; round++) {
          contact = await this.contacts.findPersonByEmailForChangeWithin(db, email);
          if (contact) {
            contact = await this.contacts.updateWithin(db, contact, fields, actor, pending);
          } else {
            contact = await this.contacts.createWithin(db, { ...fields, email, kind: 'person' }, actor, {
              ifAbsent: true,
              pending,
            });
            created = contact !== undefined;
          }
        }
        if (!contact) throw new Error(`upsert of ${email} raced with deletes three times`);
        // The row is locked from here on: found FOR NO KEY UPDATE, or inserted by this transaction.
        const contactId = contact.id;
        if (groupIds.length > 0) {
          await this.memberships.addWithin(db, {
            contactId,
            groupIds,
            actor,
            source,
            lockHeld: true,
            pending,
          });
        }
        if (tags.length > 0) {
          await this.tags.tagWithin(db, {
            contactId,
            names: tags,
            actor,
            lockHeld: true,
            field: 'tags',
            pending,
          });
        }
        await pending.flush(db);
        return { contact, created };
      },
      { retryConflicts: true },
    );
  }
}
