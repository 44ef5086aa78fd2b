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
  /** Divides every `wait` of follow-ups the relay starts (TRELLIS_SEQUENCE_WAIT_SCALE). */
  sequenceWaitScale?: number;
}
