import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.js';
import { ContactError, GroupTreeError } from '../errors/domain-error.js';
import { MembershipRepository } from '../memberships/membership.repository.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import type { Contact, ContactListFilter } from './contact.js';
import { ContactRepository } from './contact.repository.js';
import { decodeTypedCursor } from './cursor-parts.js';

/** Reading contacts: one by id, or a filtered, cursor-paged listing. */
@Injectable()
export class ContactQueryService {
  constructor(
    private readonly transactions: Transactions,
    private readonly contacts: ContactRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  async get(id: string): Promise<Contact> {
    const contact = await this.contacts.find(this.transactions.pool, id);
    if (!contact) throw new ContactError('CONTACT_NOT_FOUND', `no contact ${id}`, { contactId: id });
    return contact;
  }

  /** Newest first. An unknown groupId is an error rather than an empty page, to catch typos. */
  async list(filter: ContactListFilter, request: PageRequest): Promise<Page<Contact>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('contacts', request.cursor, ['timestamp', 'uuid']) as
      [string, string] | undefined;
    const db = this.transactions.pool;
    if (filter.groupId && (await this.memberships.existingGroups(db, [filter.groupId])).length === 0) {
      throw new GroupTreeError('GROUP_NOT_FOUND', `no group ${filter.groupId}`, {
        field: 'groupId',
        groupId: filter.groupId,
      });
    }
    const rows = await this.contacts.list(db, filter, after, limit + 1);
    const page = toPage(rows, limit, 'contacts', (row) => [row.sortKey!, row.id]);
    return { ...page, items: page.items.map(({ sortKey: _sortKey, ...contact }) => contact) };
  }
}
