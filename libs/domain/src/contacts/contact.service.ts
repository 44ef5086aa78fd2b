import { Injectable } from '@nestjs/common';
import { Transactions, type Db } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import type { NewDomainEvent } from '../events/domain-event.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { FieldSchemaService } from '../fields/field-schema.service.js';
import { type BulkLabelResult, summarize } from '../tags/tag.js';
import { UserRepository } from '../users/user.repository.js';
import {
  CONTACT_FIELD_NAMES,
  type Contact,
  type ContactFields,
  type ContactKind,
  type ContactPatch,
  type CustomValue,
  type FieldChange,
  type NewContact,
} from './contact.js';
import { normalizeStandardFields } from './contact-field-rules.js';
import { ContactRepository } from './contact.repository.js';
import { emit, type PendingEvents } from './pending-events.js';

interface PreparedChange {
  fields: Partial<ContactFields>;
  /** The whole custom object after the change; undefined when the patch had no `custom`. */
  custom?: Record<string, CustomValue>;
}

function contactNotFound(id: string): ContactError {
  return new ContactError('CONTACT_NOT_FOUND', `no contact ${id}`, { contactId: id });
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
}

/** The changed fields between a contact and its next state, custom fields as `custom.<key>`. */
function diff(current: Contact, next: PreparedChange): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const name of CONTACT_FIELD_NAMES) {
    const to = next.fields[name];
    if (to !== undefined && !sameValue(current[name], to)) changes[name] = { from: current[name], to };
  }
  if (next.custom) {
    for (const key of new Set([...Object.keys(current.custom), ...Object.keys(next.custom)])) {
      const from = current.custom[key] ?? null;
      const to = next.custom[key] ?? null;
      if (!sameValue(from, to)) changes[`custom.${key}`] = { from, to };
    }
  }
  return changes;
}

/** A new contact's values for its contact.created event: what was set, nothing empty. */
function initialValues(contact: Contact): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of CONTACT_FIELD_NAMES) if (contact[name] !== null) values[name] = contact[name];
  for (const [key, value] of Object.entries(contact.custom)) values[`custom.${key}`] = value;
  return values;
}

/**
 * Creating, changing and erasing contacts. Every change writes its domain event in
 * the same transaction. Methods that take a `Db` run inside the caller's
 * transaction (forms, imports and the upsert compose them); the others open one.
 */
@Injectable()
export class ContactService {
  constructor(
    private readonly transactions: Transactions,
    private readonly contacts: ContactRepository,
    private readonly events: DomainEventRepository,
    private readonly fieldSchema: FieldSchemaService,
    private readonly users: UserRepository,
  ) {}

  async create(input: NewContact, actor: string): Promise<Contact> {
    return this.transactions.run(async (db) => (await this.createWithin(db, input, actor))!);
  }

  async update(id: string, patch: ContactPatch, actor: string): Promise<Contact> {
    return this.transactions.run(async (db) => {
      const current = await this.contacts.findForChange(db, id);
      if (!current) throw contactNotFound(id);
      return this.updateWithin(db, current, patch, actor);
    });
  }

  /**
   * GDPR erasure: the contact, its memberships, tags and segment entries and its
   * whole event history go; an anonymous contact.deleted tombstone stays.
   */
  async delete(id: string, actor: string): Promise<void> {
    await this.transactions.run(
      async (db) => {
        const { missingIds } = await this.eraseWithin(db, [id], actor);
        if (missingIds.length > 0) throw contactNotFound(id);
      },
      { retryConflicts: true },
    );
  }

  /**
   * With `ifAbsent`, a person whose email is taken is not an error: undefined
   * comes back and nothing is written.
   */
  async createWithin(
    db: Db,
    input: NewContact,
    actor: string,
    options: { ifAbsent?: boolean; pending?: PendingEvents } = {},
  ): Promise<Contact | undefined> {
    const prepared = await this.prepare(db, input.kind, input, undefined);
    if (input.kind === 'person' && !prepared.fields.email) {
      throw new ContactError('CONTACT_EMAIL_REQUIRED', 'a person needs an email address', { field: 'email' });
    }
    const contact = await this.contacts.insert(
      db,
      input.kind,
      prepared.fields,
      prepared.custom ?? {},
      options,
    );
    if (!contact) return undefined;
    await this.events.append(db, [
      {
        type: 'contact.created',
        contactId: contact.id,
        actor,
        payload: { kind: contact.kind, fields: initialValues(contact) },
      },
    ]);
    return contact;
  }

  /** `current` must be locked by this transaction (findForChange / findPersonByEmailForChange). */
  async updateWithin(
    db: Db,
    current: Contact,
    patch: ContactPatch,
    actor: string,
    pending?: PendingEvents,
  ): Promise<Contact> {
    const prepared = await this.prepare(db, current.kind, patch, current);
    if (current.kind === 'person' && prepared.fields.email === null) {
      throw new ContactError('CONTACT_EMAIL_REQUIRED', 'a person needs an email address', { field: 'email' });
    }
    const changes = diff(current, prepared);
    const changed = Object.keys(changes);
    if (changed.length === 0) return current;
    const onlyChanged: Partial<ContactFields> = {};
    for (const name of CONTACT_FIELD_NAMES) {
      if (name in changes) (onlyChanged as Record<string, unknown>)[name] = prepared.fields[name];
    }
    const customChanged = changed.some((name) => name.startsWith('custom.'));
    const contact = await this.contacts.update(
      db,
      current.id,
      onlyChanged,
      customChanged ? prepared.custom : undefined,
    );
    await emit(
      db,
      this.events,
      [{ type: 'contact.updated', contactId: current.id, actor, payload: { changes } }],
      pending,
    );
    return contact;
  }

  /** Finds and locks the person with this email (ignoring case), for a change. */
  async findPersonByEmailForChangeWithin(db: Db, email: string): Promise<Contact | undefined> {
    return this.contacts.findPersonByEmailForChange(db, email.trim());
  }

  /** Erases the existing ones of these contacts (see delete); the others come back as missing. */
  async eraseWithin(
    db: Db,
    ids: string[],
    actor: string,
  ): Promise<{ erasedIds: string[]; missingIds: string[] }> {
    const requested = [...new Set(ids)];
    const existing = await this.contacts.lockExisting(db, requested, 'delete');
    if (existing.length > 0) {
      const detached = await this.contacts.detachFromCompanies(db, existing);
      await this.events.append(
        db,
        detached.map((person): NewDomainEvent => ({
          type: 'contact.updated',
          contactId: person.id,
          actor,
          payload: { changes: { companyId: { from: person.companyId, to: null } } },
        })),
      );
      for (const id of existing) await this.events.eraseContactHistory(db, id);
      await this.contacts.delete(db, existing);
      // The tombstone: no personal data, only that this id existed and was erased.
      await this.events.append(
        db,
        existing.map((id) => ({ type: 'contact.deleted' as const, contactId: id, actor, payload: {} })),
      );
    }
    const { missingIds } = summarize(requested, existing, existing);
    return { erasedIds: existing, missingIds };
  }

  /** Sets (or with null, clears) the responsible user of many contacts. */
  async setResponsibleUserWithin(
    db: Db,
    command: { contactIds: string[]; userId: string | null; actor: string },
  ): Promise<BulkLabelResult> {
    if (command.userId !== null) await this.requireUser(db, command.userId, 'userId');
    const requested = [...new Set(command.contactIds)];
    const existing = await this.contacts.lockExisting(db, requested);
    const changed = await this.contacts.setResponsibleUser(db, existing, command.userId);
    await this.events.append(
      db,
      changed.map((row) => ({
        type: 'contact.updated' as const,
        contactId: row.id,
        actor: command.actor,
        payload: { changes: { responsibleUserId: { from: row.from, to: command.userId } } },
      })),
    );
    return summarize(
      requested,
      existing,
      changed.map((row) => row.id),
    );
  }

  /** Normalizes and checks a patch: standard fields, references and custom values. */
  private async prepare(
    db: Db,
    kind: ContactKind,
    patch: ContactPatch,
    current: Contact | undefined,
  ): Promise<PreparedChange> {
    const normalized = normalizeStandardFields(patch);
    const fields: Partial<ContactFields> = {};
    for (const name of CONTACT_FIELD_NAMES) {
      if (normalized[name] !== undefined) (fields as Record<string, unknown>)[name] = normalized[name];
    }
    if (fields.consent === null) fields.consent = 'unknown';
    if (fields.companyId && fields.companyId !== current?.companyId) {
      if (kind === 'company') {
        throw new ContactError('CONTACT_COMPANY_INVALID', 'a company cannot belong to a company', {
          field: 'companyId',
        });
      }
      if ((await this.contacts.kindForReference(db, fields.companyId)) !== 'company') {
        throw new ContactError('CONTACT_COMPANY_INVALID', `contact ${fields.companyId} is not a company`, {
          field: 'companyId',
          companyId: fields.companyId,
        });
      }
    }
    if (fields.responsibleUserId && fields.responsibleUserId !== current?.responsibleUserId) {
      await this.requireUser(db, fields.responsibleUserId, 'responsibleUserId');
    }
    if (patch.custom === undefined) return { fields };
    const values = await this.fieldSchema.validateWithin(db, patch.custom);
    const custom: Record<string, CustomValue> = { ...current?.custom };
    for (const [key, value] of Object.entries(values)) {
      if (value === null) delete custom[key];
      else custom[key] = value;
    }
    return { fields, custom };
  }

  private async requireUser(db: Db, userId: string, field: string): Promise<void> {
    if (!(await this.users.lockExisting(db, userId))) {
      throw new ContactError('USER_NOT_FOUND', `no user ${userId}`, { field, userId });
    }
  }
}
