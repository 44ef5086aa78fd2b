import { Injectable } from '@nestjs/common';
import type { Db } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import type { Contact, ContactFields, ContactKind, ContactListFilter, CustomValue } from './contact.js';
import { queryRows, violatedConstraint } from './sql-result.js';

const COLUMN_OF: Record<keyof ContactFields, string> = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  companyName: 'company_name',
  phone: 'phone',
  street: 'street',
  postalCode: 'postal_code',
  city: 'city',
  country: 'country',
  language: 'language',
  timeZone: 'time_zone',
  consent: 'consent',
  responsibleUserId: 'responsible_user_id',
  companyId: 'company_id',
};

export const CONTACT_COLUMNS = (alias: string) =>
  [
    `${alias}.id`,
    `${alias}.kind`,
    ...Object.entries(COLUMN_OF).map(([field, column]) => `${alias}.${column} AS "${field}"`),
    `${alias}.custom`,
    `${alias}.created_at AS "createdAt"`,
    `${alias}.updated_at AS "updatedAt"`,
  ].join(', ');

/** What `q` searches: the same expression as the trigram index of migration ContactSearch. */
const SEARCH_TEXT = (alias: string) =>
  `lower(coalesce(${alias}.first_name, '') || ' ' || coalesce(${alias}.last_name, '') || ' ' || ` +
  `coalesce(${alias}.email, '') || ' ' || coalesce(${alias}.company_name, ''))`;

export interface ContactRow extends Contact {
  /** Sort key of the listing: created_at to the microsecond, as text. */
  sortKey?: string;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function emailTaken(email: unknown): ContactError {
  return new ContactError('CONTACT_EMAIL_TAKEN', `a person with email ${String(email)} already exists`, {
    field: 'email',
  });
}

@Injectable()
export class ContactRepository {
  async find(db: Db, id: string): Promise<Contact | undefined> {
    const rows = await queryRows<Contact>(
      db,
      `SELECT ${CONTACT_COLUMNS('c')} FROM contacts c WHERE c.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Reads and locks the contact for a change; membership and tag changes serialize on this lock. */
  async findForChange(db: Db, id: string): Promise<Contact | undefined> {
    const rows = await queryRows<Contact>(
      db,
      `SELECT ${CONTACT_COLUMNS('c')} FROM contacts c WHERE c.id = $1 FOR NO KEY UPDATE`,
      [id],
    );
    return rows[0];
  }

  async findPersonByEmailForChange(db: Db, email: string): Promise<Contact | undefined> {
    const rows = await queryRows<Contact>(
      db,
      `SELECT ${CONTACT_COLUMNS('c')} FROM contacts c
       WHERE lower(c.email) = lower($1) AND c.kind = 'person' FOR NO KEY UPDATE`,
      [email],
    );
    return rows[0];
  }

  /**
   * Locks the existing ones of these contacts, in id order so that two
   * transactions locking overlapping sets cannot deadlock; returns their ids.
   */
  async lockExisting(db: Db, ids: string[], mode: 'change' | 'delete' = 'change'): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{ id: string }>(
      db,
      `SELECT id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id
       ${mode === 'delete' ? 'FOR UPDATE' : 'FOR NO KEY UPDATE'}`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /** The kind of a contact, key-share locked so it stays while the caller refers to it. */
  async kindForReference(db: Db, id: string): Promise<ContactKind | undefined> {
    const rows = await queryRows<{ kind: ContactKind }>(
      db,
      'SELECT kind FROM contacts WHERE id = $1 FOR KEY SHARE',
      [id],
    );
    return rows[0]?.kind;
  }

  /**
   * Inserts a contact. With `ifAbsent`, a person whose email is taken is not an
   * error: nothing is inserted and undefined comes back (the upsert then updates).
   */
  async insert(
    db: Db,
    kind: ContactKind,
    fields: Partial<ContactFields>,
    custom: Record<string, CustomValue>,
    options: { ifAbsent?: boolean } = {},
  ): Promise<Contact | undefined> {
    const names = (Object.keys(fields) as (keyof ContactFields)[]).filter(
      (name) => fields[name] !== undefined,
    );
    const columns = ['kind', ...names.map((name) => COLUMN_OF[name]), 'custom'];
    const values = [kind, ...names.map((name) => fields[name]), JSON.stringify(custom)];
    const conflict = options.ifAbsent ? `ON CONFLICT ((lower(email))) WHERE kind = 'person' DO NOTHING` : '';
    try {
      const rows = await queryRows<Contact>(
        db,
        `INSERT INTO contacts AS c (${columns.join(', ')})
         VALUES (${values.map((_, index) => `$${index + 1}`).join(', ')}) ${conflict}
         RETURNING ${CONTACT_COLUMNS('c')}`,
        values,
      );
      return rows[0];
    } catch (error) {
      if (violatedConstraint(error, '23505') === 'contacts_person_email_unique')
        throw emailTaken(fields.email);
      throw error;
    }
  }

  /** Writes the given fields (and the whole custom object, when given) of one contact. */
  async update(
    db: Db,
    id: string,
    fields: Partial<ContactFields>,
    custom: Record<string, CustomValue> | undefined,
  ): Promise<Contact> {
    const names = (Object.keys(fields) as (keyof ContactFields)[]).filter(
      (name) => fields[name] !== undefined,
    );
    const assignments = names.map((name, index) => `${COLUMN_OF[name]} = $${index + 2}`);
    const values: unknown[] = [id, ...names.map((name) => fields[name])];
    if (custom !== undefined) {
      values.push(JSON.stringify(custom));
      assignments.push(`custom = $${values.length}`);
    }
    try {
      const rows = await queryRows<Contact>(
        db,
        `UPDATE contacts c SET ${[...assignments, 'updated_at = now()'].join(', ')}
         WHERE c.id = $1 RETURNING ${CONTACT_COLUMNS('c')}`,
        values,
      );
      return rows[0]!;
    } catch (error) {
      if (violatedConstraint(error, '23505') === 'contacts_person_email_unique')
        throw emailTaken(fields.email);
      throw error;
    }
  }

  /** Sets the responsible user of locked contacts; returns those whose value changed, with the old one. */
  async setResponsibleUser(
    db: Db,
    ids: string[],
    userId: string | null,
  ): Promise<{ id: string; from: string | null }[]> {
    return queryRows(
      db,
      `UPDATE contacts c SET responsible_user_id = $2, updated_at = now()
       FROM contacts old
       WHERE c.id = ANY($1::uuid[]) AND old.id = c.id
         AND c.responsible_user_id IS DISTINCT FROM $2::uuid
       RETURNING c.id, old.responsible_user_id AS "from"`,
      [ids, userId],
    );
  }

  /** Persons of these companies lose the link; returns who lost which company. */
  async detachFromCompanies(db: Db, companyIds: string[]): Promise<{ id: string; companyId: string }[]> {
    const persons = await queryRows<{ id: string; companyId: string }>(
      db,
      `SELECT id, company_id AS "companyId" FROM contacts
       WHERE company_id = ANY($1::uuid[]) AND NOT id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
      [companyIds],
    );
    if (persons.length > 0) {
      await db.query('UPDATE contacts SET company_id = NULL, updated_at = now() WHERE id = ANY($1::uuid[])', [
        persons.map((person) => person.id),
      ]);
    }
    return persons;
  }

  /** Deletes the contacts; memberships, tags and segment entries go with them (ON DELETE CASCADE). */
  async delete(db: Db, ids: string[]): Promise<void> {
    await db.query('DELETE FROM contacts WHERE id = ANY($1::uuid[])', [ids]);
  }

  /** Newest first, by (created_at, id); `after` is the sort key and id of the previous page's last row. */
  async list(
    db: Db,
    filter: ContactListFilter,
    after: [string, string] | undefined,
    limit: number,
  ): Promise<ContactRow[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const parameter = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (after) {
      conditions.push(
        `(c.created_at, c.id) < (${parameter(after[0])}::timestamptz, ${parameter(after[1])}::uuid)`,
      );
    }
    if (filter.q) {
      const pattern = parameter(likePattern(filter.q));
      conditions.push(
        `(${SEARCH_TEXT('c')} LIKE ${pattern} OR c.company_id IN (
           SELECT co.id FROM contacts co WHERE co.kind = 'company' AND ${SEARCH_TEXT('co')} LIKE ${pattern}))`,
      );
    }
    if (filter.groupId) {
      const group = parameter(filter.groupId);
      conditions.push(
        filter.includeSubgroups === false
          ? `EXISTS (SELECT 1 FROM group_memberships m WHERE m.group_id = ${group} AND m.contact_id = c.id)`
          : `EXISTS (SELECT 1 FROM group_closure gc
               JOIN group_memberships m ON m.group_id = gc.descendant_id
               WHERE gc.ancestor_id = ${group} AND m.contact_id = c.id)`,
      );
    }
    if (filter.tag) {
      conditions.push(
        `EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
           WHERE lower(t.name) = lower(${parameter(filter.tag)}) AND ct.contact_id = c.id)`,
      );
    }
    return queryRows(
      db,
      `SELECT ${CONTACT_COLUMNS('c')},
         to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "sortKey"
       FROM contacts c
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY c.created_at DESC, c.id DESC LIMIT ${parameter(limit)}`,
      values,
    );
  }
}
