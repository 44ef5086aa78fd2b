import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { AUTOMATION_ENGINE_SETTINGS, type AutomationEngineSettings } from './automation-engine.settings.js';

/**
 * The worker's one Temporal client for what it starts, signals and schedules (the
 * relay's dispatch, the scheduled mailing sync), connected on first use so the
 * worker starts while Temporal is down. Its users stop before application shutdown,
 * so the connection closes only after their last call.
 */
@Injectable()
export class WorkerTemporalClient implements OnApplicationShutdown {
  private connecting?: Promise<Client>;
  private connection?: Connection;

  constructor(@Inject(AUTOMATION_ENGINE_SETTINGS) private readonly settings: AutomationEngineSettings) {}

  client(): Promise<Client> {
    this.connecting ??= Connection.connect({ address: this.settings.temporalAddress, connectTimeout: '5s' })
      .then((connection) => {
        this.connection = connection;
        return new Client({ connection, namespace: this.settings.temporalNamespace });
      })
      .catch((error: unknown) => {
        this.connecting = undefined;
        throw error;
      });
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}
