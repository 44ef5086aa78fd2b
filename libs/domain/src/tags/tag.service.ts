import { Injectable } from '@nestjs/common';
import { ContactRepository } from '../contacts/contact.repository.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { emit, type PendingEvents } from '../contacts/pending-events.js';
import { Transactions, type Db } from '../database/transactions.js';
import { ContactError, LabelError } from '../errors/domain-error.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { type BulkLabelResult, summarize, type Tag, type TagCount } from './tag.js';
import { TagRepository } from './tag.repository.js';

export const MAX_TAG_NAME_LENGTH = 100;

/** Trimmed, NFC, 1–100 characters without control characters; undefined when not a usable name. */
export function normalizeTagName(name: string): string | undefined {
  const normalized = name.normalize('NFC').trim();
  if (normalized.length === 0 || normalized.length > MAX_TAG_NAME_LENGTH) return undefined;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(normalized) ? undefined : normalized;
}

function checkedName(name: string, field: string): string {
  const normalized = normalizeTagName(name);
  if (normalized === undefined) {
    throw new ContactError(
      'CONTACT_FIELD_INVALID',
      `a tag has 1 to ${MAX_TAG_NAME_LENGTH} characters and no control characters`,
      { field },
    );
  }
  return normalized;
}

/** Free labels on contacts. Every tagging and untagging writes its event in the same transaction. */
@Injectable()
export class TagService {
  constructor(
    private readonly transactions: Transactions,
    private readonly tags: TagRepository,
    private readonly contacts: ContactRepository,
    private readonly events: DomainEventRepository,
  ) {}

  async list(request: PageRequest): Promise<Page<TagCount>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('tags', request.cursor, ['text'])?.[0];
    const rows = await this.tags.listWithCounts(this.transactions.pool, after, limit + 1);
    return toPage(rows, limit, 'tags', (tag) => [tag.name.toLowerCase()]);
  }

  async ofContact(contactId: string): Promise<Tag[]> {
    const db = this.transactions.pool;
    if (!(await this.contacts.find(db, contactId))) throw contactNotFound(contactId);
    return this.tags.ofContact(db, contactId);
  }

  /** True when the contact was not tagged with it before. */
  async tag(command: { contactId: string; name: string; actor: string }): Promise<boolean> {
    return this.transactions.run(async (db) => {
      const tagged = await this.tagWithin(db, { ...command, names: [command.name] });
      return tagged.length > 0;
    });
  }

  /** True when the contact carried the tag. */
  async untag(command: { contactId: string; name: string; actor: string }): Promise<boolean> {
    return this.transactions.run(async (db) => {
      const result = await this.untagContactsWithin(db, {
        contactIds: [command.contactId],
        name: command.name,
        actor: command.actor,
      });
      if (result.missingIds.length > 0) throw contactNotFound(command.contactId);
      return result.changedIds.length > 0;
    });
  }

  /** Tags one contact, creating tags as needed; returns the tags it did not carry before. */
  async tagWithin(
    db: Db,
    command: {
      contactId: string;
      names: string[];
      actor: string;
      lockHeld?: boolean;
      field?: string;
      pending?: PendingEvents;
    },
  ): Promise<Tag[]> {
    const names = command.names.map((name, index) =>
      checkedName(name, command.field ? `${command.field}[${index}]` : 'name'),
    );
    if (!command.lockHeld && (await this.contacts.lockExisting(db, [command.contactId])).length === 0) {
      throw contactNotFound(command.contactId);
    }
    const tags = await this.tags.ensure(db, names);
    const attached = await this.tags.attach(
      db,
      tags.map((tag) => ({ contactId: command.contactId, tagId: tag.id })),
      command.actor,
    );
    const added = new Set(attached.map((pair) => pair.tagId));
    const newTags = [
      ...new Map(tags.filter((tag) => added.has(tag.id)).map((tag) => [tag.id, tag])).values(),
    ];
    await emit(
      db,
      this.events,
      newTags.map((tag) => ({
        type: 'contact.tagged' as const,
        contactId: command.contactId,
        actor: command.actor,
        payload: { tagId: tag.id, tag: tag.name },
      })),
      command.pending,
    );
    return newTags;
  }

  async tagContactsWithin(
    db: Db,
    command: { contactIds: string[]; name: string; actor: string },
  ): Promise<BulkLabelResult> {
    const name = checkedName(command.name, 'tag');
    const contactIds = [...new Set(command.contactIds)];
    const existing = await this.contacts.lockExisting(db, contactIds);
    const [tag] = await this.tags.ensure(db, [name]);
    const attached = await this.tags.attach(
      db,
      existing.map((contactId) => ({ contactId, tagId: tag!.id })),
      command.actor,
    );
    const changedIds = attached.map((pair) => pair.contactId);
    await this.appendLabelEvents(db, 'contact.tagged', changedIds, tag!, command.actor);
    return summarize(contactIds, existing, changedIds);
  }

  /** Unknown tag names are TAG_NOT_FOUND; contacts without the tag are unchanged. */
  async untagContactsWithin(
    db: Db,
    command: { contactIds: string[]; name: string; actor: string },
  ): Promise<BulkLabelResult> {
    const name = checkedName(command.name, 'tag');
    const tag = await this.tags.find(db, name);
    if (!tag) throw new LabelError('TAG_NOT_FOUND', `no tag "${name}"`, { field: 'tag', tag: name });
    const contactIds = [...new Set(command.contactIds)];
    const existing = await this.contacts.lockExisting(db, contactIds);
    const changedIds = await this.tags.detach(db, existing, tag.id);
    await this.appendLabelEvents(db, 'contact.untagged', changedIds, tag, command.actor);
    return summarize(contactIds, existing, changedIds);
  }

  private async appendLabelEvents(
    db: Db,
    type: 'contact.tagged' | 'contact.untagged',
    contactIds: string[],
    tag: Tag,
    actor: string,
  ): Promise<void> {
    await this.events.append(
      db,
      contactIds.map((contactId) => ({ type, contactId, actor, payload: { tagId: tag.id, tag: tag.name } })),
    );
  }
}

function contactNotFound(contactId: string): ContactError {
  return new ContactError('CONTACT_NOT_FOUND', `no contact ${contactId}`, { contactId });
}
