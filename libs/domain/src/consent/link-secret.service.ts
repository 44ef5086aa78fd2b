import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LinkSecretRepository } from './link-secret.repository.js';

export const LINK_SECRET_SETTINGS = Symbol('LINK_SECRET_SETTINGS');

export interface LinkSecretSettings {
  /** TRELLIS_LINK_SECRET; unset means one generated once and kept in PostgreSQL. */
  configuredSecret?: string;
}

const STORED_SECRET_NAME = 'link-signing';

/**
 * The key that signs links in mail (unsubscribe). API and worker replicas must
 * all use the same one, so it comes from the environment or from the database,
 * never from a process's own memory alone. A configured secret always wins;
 * changing it (or deleting the stored one) invalidates every link already sent.
 */
@Injectable()
export class LinkSecretService {
  private loading?: Promise<Buffer>;

  constructor(
    private readonly secrets: LinkSecretRepository,
    @Inject(LINK_SECRET_SETTINGS) private readonly settings: LinkSecretSettings,
  ) {}

  /** Read once per process; the worker may ask before the API has migrated, so it is not read at start. */
  secret(): Promise<Buffer> {
    this.loading ??= this.load().catch((error: unknown) => {
      // A failed read (database still starting) is tried again by the next caller.
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async load(): Promise<Buffer> {
    if (this.settings.configuredSecret) return Buffer.from(this.settings.configuredSecret, 'utf8');
    // Replicas starting together race on the primary key; all of them read the winner.
    await this.secrets.insertIfAbsent(STORED_SECRET_NAME, randomBytes(32));
    const stored = await this.secrets.find(STORED_SECRET_NAME);
    if (!stored) throw new Error('the link secret vanished between its insert and its read');
    return stored;
  }
}
