import type { RelaySettings } from '../../../../libs/domain/src/index.js';

export const AUTOMATION_ENGINE_SETTINGS = Symbol('AUTOMATION_ENGINE_SETTINGS');

export interface AutomationEngineSettings {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  smtpUrl: string;
  mailFrom: string;
  chromiumPath: string;
  /** Unsubscribe links: the API's public base URL and, when configured, the signing secret. */
  links: { publicUrl: string; secret?: string };
  relay: {
    enabled: boolean;
    /** Fallback polling when no NOTIFY arrives. */
    pollIntervalMs: number;
    tuning?: Partial<RelaySettings>;
  };
}
