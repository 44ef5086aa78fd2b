import { Injectable } from '@nestjs/common';
import { ContactRepository } from '../contacts/contact.repository.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { Transactions, type Db } from '../database/transactions.js';
import { LabelError } from '../errors/domain-error.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { type BulkLabelResult, summarize } from '../tags/tag.js';
import type { NewSegment, Segment, SegmentMember } from './segment.js';
import { SegmentRepository } from './segment.repository.js';

function notFound(id: string): LabelError {
  return new LabelError('SEGMENT_NOT_FOUND', `no segment ${id}`, { segmentId: id });
}

/** Named static lists. Every change of membership writes its event in the same transaction. */
@Injectable()
export class SegmentService {
  constructor(
    private readonly transactions: Transactions,
    private readonly segments: SegmentRepository,
    private readonly contacts: ContactRepository,
    private readonly events: DomainEventRepository,
  ) {}

  async create(input: NewSegment): Promise<Segment> {
    return this.segments.insert(this.transactions.pool, {
      name: input.name.trim(),
      description: input.description ?? null,
    });
  }

  async get(id: string): Promise<Segment> {
    return (await this.segments.find(this.transactions.pool, id)) ?? Promise.reject(notFound(id));
  }

  async list(request: PageRequest): Promise<Page<Segment>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('segments', request.cursor, ['text'])?.[0];
    const rows = await this.segments.list(this.transactions.pool, after, limit + 1);
    return toPage(rows, limit, 'segments', (segment) => [segment.name]);
  }

  async update(id: string, patch: { name?: string; description?: string | null }): Promise<Segment> {
    return this.transactions.run(async (db) => {
      if (!(await this.segments.lock(db, id, 'update'))) throw notFound(id);
      await this.segments.update(db, id, { ...patch, name: patch.name?.trim() });
      return (await this.segments.find(db, id))!;
    });
  }

  /** Deleting a segment takes every member out of it, each with its event. */
  async delete(id: string, actor: string): Promise<void> {
    await this.transactions.run(async (db) => {
      const segment = await this.segments.lock(db, id, 'update');
      if (!segment) throw notFound(id);
      const formerMembers = await this.segments.delete(db, id);
      await this.appendEvents(db, 'contact.removed_from_segment', formerMembers, segment, actor);
    });
  }

  async members(id: string, request: PageRequest): Promise<Page<SegmentMember>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('segment-members', request.cursor, ['uuid'])?.[0];
    const db = this.transactions.pool;
    if (!(await this.segments.find(db, id))) throw notFound(id);
    const rows = await this.segments.members(db, id, after, limit + 1);
    return toPage(rows, limit, 'segment-members', (member) => [member.contact.id]);
  }

  async addMembers(command: {
    segmentId: string;
    contactIds: string[];
    actor: string;
  }): Promise<BulkLabelResult> {
    return this.transactions.run((db) => this.addMembersWithin(db, command));
  }

  async removeMembers(command: {
    segmentId: string;
    contactIds: string[];
    actor: string;
  }): Promise<BulkLabelResult> {
    return this.transactions.run((db) => this.changeMembersWithin(db, command, 'remove'));
  }

  async addMembersWithin(
    db: Db,
    command: { segmentId: string; contactIds: string[]; actor: string },
  ): Promise<BulkLabelResult> {
    return this.changeMembersWithin(db, command, 'add');
  }

  private async changeMembersWithin(
    db: Db,
    command: { segmentId: string; contactIds: string[]; actor: string },
    direction: 'add' | 'remove',
  ): Promise<BulkLabelResult> {
    const segment = await this.segments.lock(db, command.segmentId, 'share');
    if (!segment) throw notFound(command.segmentId);
    const contactIds = [...new Set(command.contactIds)];
    const existing = await this.contacts.lockExisting(db, contactIds);
    const changedIds =
      direction === 'add'
        ? await this.segments.addMembers(db, segment.id, existing)
        : await this.segments.removeMembers(db, segment.id, existing);
    await this.appendEvents(
      db,
      direction === 'add' ? 'contact.added_to_segment' : 'contact.removed_from_segment',
      changedIds,
      segment,
      command.actor,
    );
    return summarize(contactIds, existing, changedIds);
  }

  private async appendEvents(
    db: Db,
    type: 'contact.added_to_segment' | 'contact.removed_from_segment',
    contactIds: string[],
    segment: { id: string; name: string },
    actor: string,
  ): Promise<void> {
    await this.events.append(
      db,
      contactIds.map((contactId) => ({
        type,
        contactId,
        actor,
        payload: { segmentId: segment.id, segment: segment.name },
      })),
    );
  }
}
