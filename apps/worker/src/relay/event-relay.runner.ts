import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { EventRelayService, type RelayStep } from '../../../../libs/domain/src/index.js';
import { AUTOMATION_ENGINE_SETTINGS, type AutomationEngineSettings } from './automation-engine.settings.js';
import { TemporalFollowUpLauncher } from './temporal-follow-up.launcher.js';

const CHANNEL = 'trellis_domain_events';
const MAX_BACKOFF_MS = 10_000;
const HELD_BACK_RETRY_MS = 20;

/**
 * Drives the relay: woken by NOTIFY on the event log, with polling as the
 * fallback (a dropped LISTEN connection, events held back by the watermark, or
 * another replica holding the relay). Errors back off exponentially; nothing is
 * lost meanwhile, because the position only moves with committed decisions.
 */
@Injectable()
export class EventRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRelayRunner.name);
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private woken = false;
  private listener?: pg.Client;
  private connecting?: Promise<Client>;
  private connection?: Connection;

  constructor(
    @Inject(AUTOMATION_ENGINE_SETTINGS) private readonly settings: AutomationEngineSettings,
    private readonly relay: EventRelayService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.relay.enabled) return;
    this.relay.configure(this.settings.relay.tuning ?? {});
    void this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  private notify(): void {
    this.woken = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Waits for the time or a notification, whichever comes first; one that came meanwhile counts. */
  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.woken = false;
        resolve();
      };
    });
  }

  private client(): Promise<Client> {
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

  private async run(): Promise<void> {
    const launcher = new TemporalFollowUpLauncher(() => this.client());
    let backoff = 0;
    let heldBackDelay = 0;
    while (!this.stopped) {
      try {
        const before = await this.relay.dispatchCommands(launcher);
        const relayed = await this.relay.relayEvents();
        const after = await this.relay.dispatchCommands(launcher);
        const failed = [before, after].some((step) => !step.busy && step.failed > 0);
        if (failed) {
          backoff = Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
          this.logger.warn(`Temporal commands failed; retrying in ${backoff} ms`);
          await this.sleep(backoff);
          continue;
        }
        backoff = 0;
        if (!relayed.busy && relayed.done > 0) heldBackDelay = 0;
        if (busy(relayed)) {
          await this.sleep(this.settings.relay.pollIntervalMs * 2);
        } else if (more(relayed) || more(after)) {
          continue;
        } else if (!relayed.busy && relayed.heldBack) {
          // A transaction older than the newest events is still open; usually it commits in
          // moments, but one left open for long must not make the relay spin.
          heldBackDelay = Math.min(
            this.settings.relay.pollIntervalMs,
            heldBackDelay * 2 || HELD_BACK_RETRY_MS,
          );
          await this.sleep(heldBackDelay);
        } else {
          await this.sleep(this.settings.relay.pollIntervalMs);
        }
      } catch (error) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
        this.logger.warn({ err: error }, `relay step failed; retrying in ${backoff} ms`);
        await this.sleep(backoff);
      }
    }
  }

  /** LISTEN on a dedicated connection, reconnecting after the database restarts. */
  private async listen(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      const client = new pg.Client({
        connectionString: this.settings.databaseUrl,
        application_name: 'trellis-relay',
      });
      const closed = new Promise<void>((resolve) => {
        client.once('error', () => resolve());
        client.once('end', () => resolve());
      });
      try {
        await client.connect();
        client.on('notification', () => this.notify());
        await client.query(`LISTEN ${CHANNEL}`);
        this.listener = client;
        delay = 250;
        // Whatever happened while not listening is found by this step.
        this.notify();
        await closed;
      } catch (error) {
        this.logger.debug({ err: error }, 'relay LISTEN connection failed');
      }
      this.listener = undefined;
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(MAX_BACKOFF_MS, delay * 2);
    }
  }
}

function busy(step: RelayStep): boolean {
  return step.busy;
}

function more(step: RelayStep): boolean {
  return !step.busy && step.more;
}
