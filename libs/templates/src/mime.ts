import { randomBytes, randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { TemplateRenderError } from './diagnostics.js';
import type { CompiledEmailTemplate } from './email-template.js';
import {
  encodeDisplayName,
  encodeHeaderText,
  encodeQuotedPrintable,
  formatMailDate,
} from './mime-encoding.js';
import { isHttpsUrl, isMailtoUrl } from './safe-url.js';
import type { TemplateData } from './template-data.js';

export interface Mailbox {
  readonly address: string;
  readonly name?: string | null;
}

export interface MimeComposerOptions {
  readonly from: Mailbox;
  readonly replyTo?: Mailbox;
  /** Further fixed headers, e.g. `X-Campaign`; values are plain text. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Right-hand side of generated Message-IDs; defaults to the domain of `from`. */
  readonly messageIdDomain?: string;
}

export interface ComposeOptions {
  readonly date?: Date;
  /** `<id@domain>`; generated when absent. */
  readonly messageId?: string;
  /** Defaults to the contact's name and email. */
  readonly to?: Mailbox;
}

export interface ComposedEmail {
  readonly messageId: string;
  /** The RFC 5322 message: 7-bit ASCII with CRLF line ends, ready for SMTP DATA. */
  readonly raw: string;
  readonly subject: string;
  readonly text: string;
}

export interface MimeComposer {
  compose(data: TemplateData, options?: ComposeOptions): ComposedEmail;
}

const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** Headers the composer writes itself; a caller's copy would contradict them. */
const OWN_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'reply-to',
]);

function invalid(message: string): never {
  throw new TemplateRenderError('INVALID_SEND_DATA', message);
}

function asciiAddress(address: string, role: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) invalid(`${role} address "${address}" is not an email address`);
  const local = address.slice(0, at);
  const rawDomain = address.slice(at + 1);
  const domain = /^[\x21-\x7e]+$/.test(rawDomain) ? rawDomain : domainToASCII(rawDomain);
  if (!LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    invalid(`${role} address "${address}" has a local part this sender cannot transmit`);
  }
  if (!DOMAIN.test(domain)) invalid(`${role} address "${address}" has an invalid domain`);
  return `${local}@${domain}`;
}

function mailbox(value: Mailbox, role: string): string {
  const address = asciiAddress(value.address, role);
  const name = value.name?.trim();
  return name ? `${encodeDisplayName(name)} <${address}>` : address;
}

function contactName(data: TemplateData): string | undefined {
  const { firstName, lastName, companyName } = data.contact;
  const person = [firstName, lastName]
    .filter((part) => typeof part === 'string' && part.trim() !== '')
    .join(' ');
  return person || companyName || undefined;
}

/**
 * Builds one MIME message per contact. Everything that is the same for the
 * whole send is encoded once: the fixed text of the HTML part when the template
 * is compiled, the sender, fixed headers and the multipart frame when the
 * composer is made. Per contact only the inserted values, the short text part
 * and the headers that carry contact data are encoded. The multipart boundary contains `=_`, which
 * quoted-printable output can never contain, so one boundary serves every message.
 */
export function createMimeComposer(
  template: CompiledEmailTemplate,
  options: MimeComposerOptions,
): MimeComposer {
  const from = mailbox(options.from, 'from');
  const domain = options.messageIdDomain ?? from.slice(from.lastIndexOf('@') + 1).replace(/>$/, '');
  if (!DOMAIN.test(domain)) invalid(`message id domain "${domain}" is invalid`);
  const fixed: string[] = [`From: ${from}`];
  if (options.replyTo) fixed.push(`Reply-To: ${mailbox(options.replyTo, 'reply-to')}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!HEADER_NAME.test(name) || OWN_HEADERS.has(name.toLowerCase()))
      invalid(`header "${name}" cannot be set`);
    fixed.push(`${name}: ${encodeHeaderText(value, name.length)}`);
  }
  const boundary = `=_trellis_${randomBytes(12).toString('hex')}`;
  fixed.push(
    'MIME-Version: 1.0',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    `Content-Type: multipart/alternative;\r\n boundary="${boundary}"`,
  );
  const headerTail = `${fixed.join('\r\n')}\r\n\r\n`;
  const textStart =
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    'Content-Transfer-Encoding: quoted-printable\r\n\r\n';
  const htmlStart =
    `\r\n--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\n` +
    'Content-Transfer-Encoding: quoted-printable\r\n\r\n';
  const end = `\r\n--${boundary}--\r\n`;

  return {
    compose(data: TemplateData, composeOptions: ComposeOptions = {}): ComposedEmail {
      const date = composeOptions.date ?? new Date();
      const rendered = template.renderEncoded(data, { date });
      const to = mailbox(composeOptions.to ?? { address: data.contact.email, name: contactName(data) }, 'to');
      const messageId = composeOptions.messageId ?? `<${randomUUID()}@${domain}>`;
      if (!/^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(messageId)) {
        invalid(`message id "${messageId}" is not <id@domain>`);
      }
      const unsubscribe = data.links.unsubscribe;
      if (!isHttpsUrl(unsubscribe)) invalid('links.unsubscribe must be an https URL');
      const mailto = data.links.unsubscribeMailto;
      const listUnsubscribe =
        typeof mailto === 'string' && isMailtoUrl(mailto)
          ? `<${unsubscribe}>,\r\n <${mailto}>`
          : `<${unsubscribe}>`;
      const raw =
        `To: ${to}\r\n` +
        `Subject: ${encodeHeaderText(rendered.subject, 7)}\r\n` +
        `Date: ${formatMailDate(date)}\r\n` +
        `Message-ID: ${messageId}\r\n` +
        `List-Unsubscribe: ${listUnsubscribe}\r\n` +
        headerTail +
        textStart +
        encodeQuotedPrintable(rendered.text) +
        htmlStart +
        rendered.htmlQuotedPrintable +
        end;
      return { messageId, raw, subject: rendered.subject, text: rendered.text };
    },
  };
}
