import type { Mailbox } from '../../../templates/src/index.js';

/** A finished RFC 5322 message and its envelope. */
export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly raw: string;
}

/**
 * The SMTP side of deliveries; the worker binds it to its pooled transport.
 * Throws MailRejection, telling a permanent refusal (5xx) from trouble worth a retry.
 */
export interface DeliveryMailer {
  readonly from: Mailbox;
  send(mail: OutgoingMail): Promise<void>;
}

export const DELIVERY_MAILER = Symbol('DELIVERY_MAILER');

export class MailRejection extends Error {
  override readonly name = 'MailRejection';

  constructor(
    message: string,
    /** True for a 5xx answer: sending again would be refused again. */
    readonly permanent: boolean,
    readonly smtpCode?: number,
  ) {
    super(message);
  }
}
