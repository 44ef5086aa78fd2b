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
}
