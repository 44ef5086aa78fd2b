export const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');

export interface WorkerSettings {
  temporalAddress: string;
  temporalNamespace: string;
  smtpUrl: string;
  mailFrom: string;
  logLevel: string;
  /** Overrides the bundled workflow entry point (tests). */
  workflowsPath?: string;
  /** With a database the worker also runs the automation engine (follow-up activities, event relay). */
  databaseUrl?: string;
  chromiumPath?: string;
  /** Off in tests that drive the relay themselves. */
  relayEnabled?: boolean;
  /** Base of the unsubscribe links in sequence mail (TRELLIS_PUBLIC_URL); DEFAULT_PUBLIC_URL when unset. */
  publicUrl?: string;
  /** TRELLIS_LINK_SECRET; unset means the one stored in PostgreSQL. */
  linkSecret?: string;
  /** Divides every `wait` of follow-ups the relay starts (TRELLIS_SEQUENCE_WAIT_SCALE). */
  sequenceWaitScale?: number;
}
