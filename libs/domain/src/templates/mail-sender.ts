import type { Mailbox } from '../../../templates/src/index.js';

/** A finished RFC 5322 message and its SMTP envelope. */
export interface RawMail {
  readonly from: string;
  readonly to: string;
  readonly raw: string;
}

/**
 * Sends finished messages; the app binds it to its SMTP transport. The domain
 * builds the message (MIME composer), so what is sent is exactly what was rendered.
 */
export interface MailSender {
  /** The sender of system mail (MAIL_FROM). */
  readonly from: Mailbox;
  /** Resolves when the SMTP server accepted the message; throws MAIL_TRANSPORT_UNAVAILABLE or MAIL_DELIVERY_FAILED. */
  send(mail: RawMail): Promise<void>;
}

export const MAIL_SENDER = Symbol('MAIL_SENDER');
