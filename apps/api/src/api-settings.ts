import type { MailCatcher } from '../../../libs/platform/src/index.js';

export const API_SETTINGS = Symbol('API_SETTINGS');

export interface ApiSettings {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl?: string;
  logLevel: string;
  /** Present when SMTP_URL is unset and this process runs the catcher. */
  mailCatcher?: MailCatcher;
  /** Where mail the API sends itself (template test sends) goes; unset means the mail catcher. */
  smtpUrl?: string;
  /** Sender of that mail; DEFAULT_MAIL_FROM when unset. */
  mailFrom?: string;
  /** Chromium for PDF letters; DEFAULT_CHROMIUM_PATH when unset. */
  chromiumPath?: string;
  /** TRELLIS_LINK_SECRET; unset means the one stored in PostgreSQL. */
  linkSecret?: string;
}
