import { Injectable } from '@nestjs/common';
import type { LinkData, TemplateData } from '../../../templates/src/index.js';
import { Transactions } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import {
  PREVIEW_LINKS,
  SAMPLE_CONTACT,
  accountData,
  contactTemplateData,
  suppliedTemplateData,
} from './render-data.js';
import { RenderDataRepository } from './render-data.repository.js';
import type { SenderProfile, SenderProfilePatch } from './template.js';

/** Where preview data comes from: a stored contact, data the caller gives, or the sample contact. */
export type PreviewSource =
  { readonly contactId: string } | { readonly data: Record<string, unknown> } | Record<string, never>;

/** Template data for stored contacts, previews and the sender profile they all show. */
@Injectable()
export class RenderDataService {
  constructor(
    private readonly transactions: Transactions,
    private readonly renderData: RenderDataRepository,
  ) {}

  /** Data for each contact, in the order of `contactIds`; CONTACT_NOT_FOUND names the missing ones. */
  async forContacts(contactIds: readonly string[], links: LinkData = PREVIEW_LINKS): Promise<TemplateData[]> {
    const db = this.transactions.pool;
    const unique = [...new Set(contactIds)];
    const [rows, profile] = await Promise.all([
      this.renderData.contacts(db, unique),
      this.renderData.senderProfile(db),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw new ContactError('CONTACT_NOT_FOUND', `no contact ${missing.join(', ')}`, {
        contactIds: missing,
      });
    }
    const account = accountData(profile);
    return contactIds.map((id) => contactTemplateData(byId.get(id)!, account, links));
  }

  async forPreview(source: PreviewSource): Promise<TemplateData> {
    if ('contactId' in source) return (await this.forContacts([source.contactId]))[0]!;
    const account = accountData(await this.renderData.senderProfile(this.transactions.pool));
    if ('data' in source) return suppliedTemplateData(source.data, account, PREVIEW_LINKS);
    return { contact: SAMPLE_CONTACT, responsibleUser: null, account, links: PREVIEW_LINKS };
  }

  async senderProfile(): Promise<SenderProfile> {
    return this.renderData.senderProfile(this.transactions.pool);
  }

  async updateSenderProfile(patch: SenderProfilePatch): Promise<SenderProfile> {
    return this.renderData.updateSenderProfile(this.transactions.pool, patch);
  }
}
