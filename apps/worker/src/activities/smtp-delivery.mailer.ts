import type { OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { type DeliveryMailer, MailRejection, type OutgoingMail } from '../../../../libs/domain/src/index.js';
import type { Mailbox } from '../../../../libs/templates/src/index.js';

/** `Name <address>` or a bare address, as MAIL_FROM holds it. */
export function mailboxOf(text: string): Mailbox {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(text);
  if (!match) return { address: text.trim() };
  return match[1] ? { name: match[1], address: match[2]! } : { address: match[2]! };
}

/**
 * Sequence mail over the worker's pooled SMTP transport. A 5xx answer is
 * permanent (the same message would be refused again); 4xx answers and
 * connection trouble are transient and the activity retries them with backoff.
 */
export class SmtpDeliveryMailer implements DeliveryMailer, OnApplicationShutdown {
  readonly from: Mailbox;

  constructor(
    private readonly transport: Pick<Transporter, 'sendMail' | 'close'>,
    mailFrom: string,
  ) {
    this.from = mailboxOf(mailFrom);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.raw });
    } catch (error) {
      const { responseCode, message } = error as { responseCode?: number; message: string };
      const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
      throw new MailRejection(message, permanent, responseCode);
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
