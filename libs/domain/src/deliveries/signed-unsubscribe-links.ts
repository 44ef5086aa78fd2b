import type { LinkData } from '../../../templates/src/index.js';
import type { LinkSecretService } from '../consent/link-secret.service.js';
import { signUnsubscribeToken } from '../consent/unsubscribe-token.js';
import type { DeliveryLinks } from './email-delivery.service.js';

/** Where the API answers unsubscribe links, below the public base URL. */
export const UNSUBSCRIBE_PATH = '/u/';

/**
 * Per-contact links in sequence mail: `<public URL>/u/<signed token>`, which the
 * API answers with a confirmation page (GET) and the RFC 8058 one-click POST.
 * No mailto: target, since no mailbox reads unsubscribe requests.
 */
export class SignedUnsubscribeLinks implements DeliveryLinks {
  private readonly base: string;

  constructor(
    publicUrl: string,
    private readonly secrets: LinkSecretService,
  ) {
    this.base = publicUrl.replace(/\/+$/, '') + UNSUBSCRIBE_PATH;
  }

  async linksFor(contactId: string): Promise<LinkData> {
    const token = signUnsubscribeToken(await this.secrets.secret(), contactId);
    return { unsubscribe: this.base + token, unsubscribeMailto: null, preferences: null, webVersion: null };
  }
}
