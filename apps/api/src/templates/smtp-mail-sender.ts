import type { OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { TemplateError, type MailSender, type RawMail } from '../../../../libs/domain/src/index.js';
import type { Mailbox } from '../../../../libs/templates/src/index.js';
import { DEFAULT_MAIL_FROM } from '../../../../libs/platform/src/index.js';
import type { ApiSettings } from '../api-settings.js';

/** Failures to reach the server, as opposed to a server that refused the message. */
const UNREACHABLE = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS']);

/** `Name <address>` or a bare address, as MAIL_FROM holds it. */
export function parseMailbox(text: string): Mailbox {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(text);
  if (!match) return { address: text.trim() };
  return match[1] ? { name: match[1], address: match[2]! } : { address: match[2]! };
}

/**
 * Mail the API sends itself (template test sends) through a pooled nodemailer
 * transport: SMTP_URL, or the in-process mail catcher when that is unset, the
 * same choice the worker makes. Created on first use, closed at shutdown.
 */
export class SmtpMailSender implements MailSender, OnApplicationShutdown {
  readonly from: Mailbox;
  private transport?: Transporter;

  constructor(private readonly settings: Pick<ApiSettings, 'smtpUrl' | 'mailCatcher' | 'mailFrom'>) {
    this.from = parseMailbox(settings.mailFrom ?? DEFAULT_MAIL_FROM);
  }

  async send(mail: RawMail): Promise<void> {
    const transport = this.connect();
    try {
      await transport.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.raw });
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code !== undefined && UNREACHABLE.has(code)) {
        throw new TemplateError(
          'MAIL_TRANSPORT_UNAVAILABLE',
          `the SMTP server cannot be reached: ${message}`,
        );
      }
      throw new TemplateError('MAIL_DELIVERY_FAILED', `the SMTP server did not take the mail: ${message}`, {
        smtpCode: code ?? null,
      });
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  private connect(): Transporter {
    if (this.transport) return this.transport;
    const url = this.settings.smtpUrl ?? (this.settings.mailCatcher ? this.catcherUrl() : undefined);
    if (!url) {
      throw new TemplateError(
        'MAIL_TRANSPORT_UNAVAILABLE',
        'no SMTP server: set SMTP_URL or run the mail catcher',
      );
    }
    this.transport = nodemailer.createTransport({ url, pool: true, maxConnections: 2 } as never);
    return this.transport;
  }

  private catcherUrl(): string | undefined {
    try {
      return this.settings.mailCatcher!.url;
    } catch {
      // The catcher exists but is not listening (yet).
      return undefined;
    }
  }
}
