import { Injectable } from '@nestjs/common';
import { ContactRepository } from '../contacts/contact.repository.js';
import { emit, type PendingEvents } from '../contacts/pending-events.js';
import { Transactions, type Db } from '../database/transactions.js';
import { ContactError, GroupTreeError } from '../errors/domain-error.js';
import type { MembershipEventPayload, MembershipSource, NewDomainEvent } from '../events/domain-event.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { parseGroupPath } from '../groups/group-path.js';
import type { Membership, MembershipChange, MembershipPair } from './membership.js';
import { MembershipRepository } from './membership.repository.js';

export interface MembershipCommand {
  contactId: string;
  groupIds: string[];
  /** Who made the change: an API key name, `import`, `form:<id>`, `automation:<id>`. */
  actor: string;
  source: MembershipSource;
  /**
   * True only when this transaction already holds the contact row lock
   * (FOR NO KEY UPDATE or stronger), e.g. right after creating or locking it.
   */
  lockHeld?: boolean;
  /** Collects the events instead of appending them at once; the caller flushes it before commit. */
  pending?: PendingEvents;
}

export interface BulkMembershipCommand {
  contactIds: string[];
  groupId: string;
  actor: string;
  source: MembershipSource;
}

export interface BulkMembershipResult {
  changed: MembershipChange[];
  /** Contacts that exist but were already in (or already out of) the group. */
  unchangedIds: string[];
  missingIds: string[];
}

/**
 * The one way into and out of groups: the API, forms, automations and imports all
 * call this with their `source`. Each change locks the contact row first, so
 * concurrent changes to one contact serialize and every event's subtreesChanged
 * is exact: moving a contact between two subgroups of X never enters or leaves X.
 * Each method that takes a `Db` runs inside the caller's transaction and appends
 * its events there; the others open their own.
 */
@Injectable()
export class MembershipService {
  constructor(
    private readonly transactions: Transactions,
    private readonly memberships: MembershipRepository,
    private readonly contacts: ContactRepository,
    private readonly events: DomainEventRepository,
  ) {}

  async list(contactId: string): Promise<Membership[]> {
    const db = this.transactions.pool;
    if (!(await this.contacts.find(db, contactId))) throw contactNotFound(contactId);
    return this.memberships.listForContact(db, contactId);
  }

  /** Adds one contact to one group; false when it already was a member (no event then). */
  async add(
    command: Omit<MembershipCommand, 'groupIds' | 'lockHeld'> & { groupId: string },
  ): Promise<boolean> {
    const changes = await this.transactions.run(
      (db) => this.addWithin(db, { ...command, groupIds: [command.groupId] }),
      { retryConflicts: true },
    );
    return changes.length > 0;
  }

  /** Removes one contact from one group; false when it was not a member (no event then). */
  async remove(
    command: Omit<MembershipCommand, 'groupIds' | 'lockHeld'> & { groupId: string },
  ): Promise<boolean> {
    const changes = await this.transactions.run(
      (db) => this.removeWithin(db, { ...command, groupIds: [command.groupId] }),
      { retryConflicts: true },
    );
    return changes.length > 0;
  }

  /**
   * Adds one contact to groups, in order; already-held memberships are left alone.
   * An unknown group fails the insert's foreign key, which becomes GROUP_NOT_FOUND.
   */
  async addWithin(db: Db, command: MembershipCommand): Promise<MembershipChange[]> {
    const groupIds = [...new Set(command.groupIds)];
    await this.lockContact(db, command);
    const inserted = await this.memberships.insert(
      db,
      groupIds.map((groupId) => ({ contactId: command.contactId, groupId })),
      command.actor,
      command.source,
    );
    return this.append(db, claimInOrder(inserted), 'contact.added_to_group', command);
  }

  /** Removes one contact from groups; groups it is not in are left alone. */
  async removeWithin(db: Db, command: MembershipCommand): Promise<MembershipChange[]> {
    const groupIds = [...new Set(command.groupIds)];
    await this.lockContact(db, command);
    await this.requireGroups(db, groupIds);
    const deleted = await this.memberships.delete(
      db,
      groupIds.map((groupId) => ({ contactId: command.contactId, groupId })),
    );
    // Leaving X happens with the last removal below X, so later removals claim shared ancestors.
    return this.append(
      db,
      claimInOrder(deleted.toReversed()).toReversed(),
      'contact.removed_from_group',
      command,
    );
  }

  /** Many contacts into one group (bulk actions, imports), in one statement per step. */
  async addContactsWithin(db: Db, command: BulkMembershipCommand): Promise<BulkMembershipResult> {
    return this.changeContactsWithin(db, command, 'add');
  }

  async removeContactsWithin(db: Db, command: BulkMembershipCommand): Promise<BulkMembershipResult> {
    return this.changeContactsWithin(db, command, 'remove');
  }

  /**
   * Group paths (`Travel offers/Greece`, `\/` for a slash in a name) to ids; an
   * unknown or malformed path is an error naming it as `<field>[<index>]`.
   */
  async resolvePathsWithin(db: Db, paths: string[], field = 'groups'): Promise<string[]> {
    const parsed = paths.map((path, index) => {
      try {
        return parseGroupPath(path);
      } catch (error) {
        if (error instanceof GroupTreeError) {
          throw new GroupTreeError(error.code, error.message, {
            ...error.details,
            field: `${field}[${index}]`,
          });
        }
        throw error;
      }
    });
    const ids = await this.memberships.resolvePaths(db, parsed);
    return ids.map((id, index) => {
      if (id === null) {
        throw new GroupTreeError('GROUP_NOT_FOUND', `no group has the path "${paths[index]}"`, {
          field: `${field}[${index}]`,
          path: paths[index],
        });
      }
      return id;
    });
  }

  private async changeContactsWithin(
    db: Db,
    command: BulkMembershipCommand,
    direction: 'add' | 'remove',
  ): Promise<BulkMembershipResult> {
    const contactIds = [...new Set(command.contactIds)];
    const existing = await this.contacts.lockExisting(db, contactIds);
    await this.requireGroups(db, [command.groupId]);
    const pairs: MembershipPair[] = existing.map((contactId) => ({ contactId, groupId: command.groupId }));
    const changed =
      direction === 'add'
        ? await this.memberships.insert(db, pairs, command.actor, command.source)
        : await this.memberships.delete(db, pairs);
    await this.append(
      db,
      changed,
      direction === 'add' ? 'contact.added_to_group' : 'contact.removed_from_group',
      command,
    );
    const changedIds = new Set(changed.map((change) => change.contactId));
    const existingIds = new Set(existing);
    return {
      changed,
      unchangedIds: existing.filter((id) => !changedIds.has(id)),
      missingIds: contactIds.filter((id) => !existingIds.has(id)),
    };
  }

  private async lockContact(db: Db, command: MembershipCommand): Promise<void> {
    if (command.lockHeld) return;
    const locked = await this.contacts.lockExisting(db, [command.contactId]);
    if (locked.length === 0) throw contactNotFound(command.contactId);
  }

  private async requireGroups(db: Db, groupIds: string[]): Promise<void> {
    const found = new Set(await this.memberships.existingGroups(db, groupIds, { lock: true }));
    const missing = groupIds.find((id) => !found.has(id));
    if (missing) {
      throw new GroupTreeError('GROUP_NOT_FOUND', `no group ${missing}`, {
        field: 'groupId',
        groupId: missing,
      });
    }
  }

  private async append(
    db: Db,
    changes: MembershipChange[],
    type: 'contact.added_to_group' | 'contact.removed_from_group',
    command: { actor: string; source: MembershipSource; pending?: PendingEvents },
  ): Promise<MembershipChange[]> {
    await emit(
      db,
      this.events,
      changes.map((change): NewDomainEvent => {
        const payload: MembershipEventPayload = {
          groupId: change.groupId,
          groupPath: change.groupPath,
          source: command.source,
          subtreesChanged: change.subtreesChanged,
        };
        return { type, contactId: change.contactId, actor: command.actor, payload: { ...payload } };
      }),
      command.pending,
    );
    return changes;
  }
}

/**
 * Several changes of one contact in one statement were each measured against the
 * state before the statement; applied one after another, an ancestor is entered
 * (or left) only by the first change in order that reaches it.
 */
function claimInOrder(changes: MembershipChange[]): MembershipChange[] {
  const claimed = new Map<string, Set<string>>();
  return changes.map((change) => {
    let mine = claimed.get(change.contactId);
    if (!mine) claimed.set(change.contactId, (mine = new Set()));
    const subtreesChanged = change.subtreesChanged.filter((id) => !mine.has(id));
    for (const id of subtreesChanged) mine.add(id);
    return { ...change, subtreesChanged };
  });
}

function contactNotFound(contactId: string): ContactError {
  return new ContactError('CONTACT_NOT_FOUND', `no contact ${contactId}`, { contactId });
}
