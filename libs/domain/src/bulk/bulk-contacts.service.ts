import { Injectable } from '@nestjs/common';
import { ContactService } from '../contacts/contact.service.js';
import { Transactions, type Db } from '../database/transactions.js';
import type { ContactErrorCode } from '../errors/domain-error.js';
import { MembershipService } from '../memberships/membership.service.js';
import { SegmentService } from '../segments/segment.service.js';
import type { SelectionTarget } from '../selections/selection.js';
import { SelectionQueryService } from '../selections/selection-query.service.js';
import type { BulkLabelResult } from '../tags/tag.js';
import { TagService } from '../tags/tag.service.js';

export const BULK_ACTIONS = [
  'addToGroup',
  'removeFromGroup',
  'tag',
  'untag',
  'setResponsibleUser',
  'addToSegment',
  'delete',
] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/**
 * Which contacts a bulk action applies to: explicit ids (duplicates count once), or
 * every contact a selection matches, given as rule text or a saved selection's id.
 */
export type BulkTarget = { ids: string[] } | { selection: SelectionTarget };

export interface BulkCommand {
  action: BulkAction;
  target: BulkTarget;
  groupId?: string;
  tag?: string;
  /** For setResponsibleUser; null clears it. */
  userId?: string | null;
  segmentId?: string;
  actor: string;
}

export interface BulkResult {
  /** Contacts the action changed. */
  processed: number;
  /** Contacts that exist but already were as asked. */
  unchanged: number;
  failed: { id: string; code: ContactErrorCode }[];
}

/** Contacts per transaction: big enough to amortize, small enough to keep locks short. */
export const BULK_CHUNK_SIZE = 500;

/**
 * One action over many contacts, in chunks of BULK_CHUNK_SIZE, each chunk one
 * transaction with its events. A chunk that fails leaves the chunks before it
 * committed; the action's parameters are checked in the first chunk, before any write.
 *
 * A selection target is checked (RULE_INVALID, SELECTION_NOT_FOUND, SELECTION_BROKEN)
 * before the first chunk, and then read chunk by chunk in id order, each chunk after
 * the last id done. So an action that changes what the selection matches (removing
 * from the group it tests, deleting) neither skips a contact nor meets one twice;
 * a contact that starts or stops matching meanwhile is included exactly when its id
 * is still ahead. The number of contacts is not capped: a selection's request is
 * small whatever it matches, and every chunk is short.
 */
@Injectable()
export class BulkContactsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly selections: SelectionQueryService,
    private readonly contacts: ContactService,
    private readonly memberships: MembershipService,
    private readonly tags: TagService,
    private readonly segments: SegmentService,
  ) {}

  async run(command: BulkCommand): Promise<BulkResult> {
    const result: BulkResult = { processed: 0, unchanged: 0, failed: [] };
    let chunks = 0;
    for await (const chunk of await this.chunksOf(command.target)) {
      chunks += 1;
      const outcome = await this.transactions.run((db) => this.apply(db, command, chunk), {
        retryConflicts: true,
      });
      result.processed += outcome.changedIds.length;
      result.unchanged += outcome.unchangedIds.length;
      for (const id of outcome.missingIds) result.failed.push({ id, code: 'CONTACT_NOT_FOUND' });
    }
    // A selection that matches nobody still answers an unknown group, tag, user or segment,
    // as a list of unknown ids would.
    if (chunks === 0) await this.transactions.run((db) => this.apply(db, command, []));
    return result;
  }

  private async chunksOf(target: BulkTarget): Promise<AsyncIterable<string[]> | Iterable<string[]>> {
    if ('selection' in target) {
      return this.selections.resolveSelectionContactIds(target.selection, { chunkSize: BULK_CHUNK_SIZE });
    }
    const ids = [...new Set(target.ids)];
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += BULK_CHUNK_SIZE) {
      chunks.push(ids.slice(start, start + BULK_CHUNK_SIZE));
    }
    return chunks;
  }

  private async apply(db: Db, command: BulkCommand, contactIds: string[]): Promise<BulkLabelResult> {
    const { actor } = command;
    switch (command.action) {
      case 'addToGroup':
      case 'removeFromGroup': {
        const membership = { contactIds, groupId: command.groupId!, actor, source: 'api' as const };
        const outcome =
          command.action === 'addToGroup'
            ? await this.memberships.addContactsWithin(db, membership)
            : await this.memberships.removeContactsWithin(db, membership);
        return {
          changedIds: outcome.changed.map((change) => change.contactId),
          unchangedIds: outcome.unchangedIds,
          missingIds: outcome.missingIds,
        };
      }
      case 'tag':
        return this.tags.tagContactsWithin(db, { contactIds, name: command.tag!, actor });
      case 'untag':
        return this.tags.untagContactsWithin(db, { contactIds, name: command.tag!, actor });
      case 'setResponsibleUser':
        return this.contacts.setResponsibleUserWithin(db, {
          contactIds,
          userId: command.userId ?? null,
          actor,
        });
      case 'addToSegment':
        return this.segments.addMembersWithin(db, { segmentId: command.segmentId!, contactIds, actor });
      case 'delete': {
        const { erasedIds, missingIds } = await this.contacts.eraseWithin(db, contactIds, actor);
        return { changedIds: erasedIds, unchangedIds: [], missingIds };
      }
    }
  }
}
