export const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');

export interface WorkerSettings {
  temporalAddress: string;
  temporalNamespace: string;
  smtpUrl: string;
  mailFrom: string;
  logLevel: string;
  /** Overrides the bundled workflow entry point (tests). */
  workflowsPath?: string;
}
