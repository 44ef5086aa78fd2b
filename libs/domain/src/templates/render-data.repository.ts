import { Injectable } from '@nestjs/common';
import type { CustomFieldDefinition } from '../../../templates/src/index.js';
import type { ConsentStatus, ContactKind } from '../contacts/contact.js';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { SenderProfile, SenderProfilePatch } from './template.js';

/** A contact with everything a template may show: groups as paths, tags, the responsible user. */
export interface ContactRenderRow {
  id: string;
  kind: ContactKind;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  companyName: string | null;
  phone: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
  timeZone: string | null;
  consent: ConsentStatus;
  custom: Record<string, unknown>;
  /** Each group as its names from the root down. */
  groupPaths: string[][];
  tags: string[];
  responsibleUserName: string | null;
  responsibleUserEmail: string | null;
}

const SENDER_COLUMNS = `name, street, postal_code AS "postalCode", city, country, email, phone, website,
  legal_notice AS "legalNotice", language, time_zone AS "timeZone", updated_at AS "updatedAt"`;

const SENDER_COLUMN_OF: Record<keyof SenderProfilePatch, string> = {
  name: 'name',
  street: 'street',
  postalCode: 'postal_code',
  city: 'city',
  country: 'country',
  email: 'email',
  phone: 'phone',
  website: 'website',
  legalNotice: 'legal_notice',
  language: 'language',
  timeZone: 'time_zone',
};

/** What templates render from: contacts, the custom field schema and the sender profile. */
@Injectable()
export class RenderDataRepository {
  async customFields(db: Db): Promise<CustomFieldDefinition[]> {
    const rows = await queryRows<{ key: string; type: CustomFieldDefinition['type']; options: string[] }>(
      db,
      'SELECT key, type, options FROM field_definitions ORDER BY key',
    );
    return rows.map((row) =>
      row.type === 'enum'
        ? { key: row.key, type: row.type, options: row.options }
        : { key: row.key, type: row.type },
    );
  }

  /** The contacts of these ids that exist, in no particular order. */
  async contacts(db: Db, ids: string[]): Promise<ContactRenderRow[]> {
    if (ids.length === 0) return [];
    return queryRows(
      db,
      `SELECT c.id, c.kind, c.email, c.first_name AS "firstName", c.last_name AS "lastName",
         c.company_name AS "companyName", c.phone, c.street, c.postal_code AS "postalCode", c.city,
         c.country, c.language, c.time_zone AS "timeZone", c.consent, c.custom,
         u.name AS "responsibleUserName", u.email AS "responsibleUserEmail",
         coalesce((SELECT array_agg(t.name ORDER BY lower(t.name))
                   FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
                   WHERE ct.contact_id = c.id), '{}') AS tags,
         coalesce((SELECT json_agg(p.path)
                   FROM (SELECT array_agg(a.name ORDER BY up.depth DESC) AS path
                         FROM group_memberships m
                         JOIN group_closure up ON up.descendant_id = m.group_id
                         JOIN groups a ON a.id = up.ancestor_id
                         WHERE m.contact_id = c.id
                         GROUP BY m.group_id) p), '[]') AS "groupPaths"
       FROM contacts c LEFT JOIN users u ON u.id = c.responsible_user_id
       WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async senderProfile(db: Db): Promise<SenderProfile> {
    const rows = await queryRows<SenderProfile>(db, `SELECT ${SENDER_COLUMNS} FROM sender_profile`);
    return rows[0]!;
  }

  async updateSenderProfile(db: Db, patch: SenderProfilePatch): Promise<SenderProfile> {
    const names = (Object.keys(SENDER_COLUMN_OF) as (keyof SenderProfilePatch)[]).filter(
      (name) => patch[name] !== undefined,
    );
    const assignments = names.map((name, index) => `${SENDER_COLUMN_OF[name]} = $${index + 1}`);
    const rows = await queryRows<SenderProfile>(
      db,
      `UPDATE sender_profile SET ${[...assignments, 'updated_at = now()'].join(', ')} RETURNING ${SENDER_COLUMNS}`,
      names.map((name) => patch[name]),
    );
    return rows[0]!;
  }
}
