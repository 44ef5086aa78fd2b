import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { API_SETTINGS, type ApiSettings } from '../api-settings.js';

/**
 * One lazily connected Temporal client per process. Lazy, so the API starts and
 * reports Temporal as down in /health instead of refusing to boot.
 */
@Injectable()
export class TemporalClientProvider implements OnApplicationShutdown {
  private connecting?: Promise<Client>;
  private closed = false;

  constructor(@Inject(API_SETTINGS) private readonly settings: ApiSettings) {}

  get uiUrl(): string | undefined {
    return this.settings.temporalUiUrl;
  }

  get namespace(): string {
    return this.settings.temporalNamespace;
  }

  client(): Promise<Client> {
    this.connecting ??= Connection.connect({ address: this.settings.temporalAddress, connectTimeout: '5s' })
      .then(async (connection) => {
        // A connection that only succeeds after shutdown began must not outlive the process's intent.
        if (this.closed) {
          await connection.close();
          throw new Error('the API is shutting down');
        }
        return new Client({ connection, namespace: this.settings.temporalNamespace });
      })
      .catch((error: unknown) => {
        this.connecting = undefined;
        throw error;
      });
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    this.connecting = undefined;
    // Only an established connection is closed here; a pending attempt closes itself when it lands.
    const established = await Promise.race([pending, Promise.resolve(undefined)]).catch(() => undefined);
    await established?.connection.close();
  }
}
