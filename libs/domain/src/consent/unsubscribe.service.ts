import { Injectable } from '@nestjs/common';
import { ContactRepository } from '../contacts/contact.repository.js';
import { ContactService } from '../contacts/contact.service.js';
import { Transactions } from '../database/transactions.js';
import { ConsentError, ContactError } from '../errors/domain-error.js';
import { LinkSecretService } from './link-secret.service.js';
import { verifyUnsubscribeToken } from './unsubscribe-token.js';

/** The actor of the contact.updated event an unsubscribe link writes: the recipient. */
export const UNSUBSCRIBE_ACTOR = 'unsubscribe-link';

export interface UnsubscribeStatus {
  /** True once the contact's consent is `unsubscribed`. */
  unsubscribed: boolean;
}

function linkInvalid(): ConsentError {
  // The token is not echoed: it may be someone else's working link.
  return new ConsentError(
    'UNSUBSCRIBE_LINK_INVALID',
    'this unsubscribe link is not valid; use the complete link from the email',
  );
}

function contactGone(): ConsentError {
  return new ConsentError(
    'UNSUBSCRIBE_CONTACT_GONE',
    'this address has been erased from our records, so no further email goes to it',
  );
}

/**
 * The recipient's side of consent: the signed link in every sequence email. Looking
 * at a link changes nothing (scanners fetch links); unsubscribing goes through
 * ContactService, so its contact.updated event ends running sequences like any
 * other consent change, and doing it again changes nothing.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly secrets: LinkSecretService,
    private readonly transactions: Transactions,
    private readonly contactRows: ContactRepository,
    private readonly contacts: ContactService,
  ) {}

  async status(token: string): Promise<UnsubscribeStatus> {
    const contactId = await this.contactIdOf(token);
    const contact = await this.contactRows.find(this.transactions.pool, contactId);
    if (!contact) throw contactGone();
    return { unsubscribed: contact.consent === 'unsubscribed' };
  }

  async unsubscribe(token: string): Promise<UnsubscribeStatus> {
    const contactId = await this.contactIdOf(token);
    try {
      await this.contacts.update(contactId, { consent: 'unsubscribed' }, UNSUBSCRIBE_ACTOR);
    } catch (error) {
      if (error instanceof ContactError && error.code === 'CONTACT_NOT_FOUND') throw contactGone();
      throw error;
    }
    return { unsubscribed: true };
  }

  private async contactIdOf(token: string): Promise<string> {
    const contactId = verifyUnsubscribeToken(await this.secrets.secret(), token);
    if (!contactId) throw linkInvalid();
    return contactId;
  }
}
