import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import pg from 'pg';
import { EventRelayService } from '../../../../libs/domain/src/index.js';
import { AUTOMATION_ENGINE_SETTINGS, type AutomationEngineSettings } from './automation-engine.settings.js';
import { TemporalFollowUpLauncher } from './temporal-follow-up.launcher.js';
import { WorkerTemporalClient } from './worker-temporal-client.js';

const CHANNEL = 'trellis_domain_events';
const MAX_BACKOFF_MS = 10_000;
const HELD_BACK_RETRY_MS = 20;

/** A sleep that a pulse ends early; a pulse while awake ends the next sleep at once. */
class Wakeup {
  private pending = false;
  private wake?: () => void;

  pulse(): void {
    this.pending = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.pending = false;
        resolve();
      };
    });
  }
}

/**
 * Drives the relay in two loops: one turns events into commands, woken by NOTIFY
 * on the event log; the other executes the commands on Temporal, woken when the
 * first has decided some. So deciding the next events never waits for Temporal,
 * and a burst keeps every call slot busy. Polling is the fallback of both (a
 * dropped LISTEN connection, events held back by the watermark, another replica
 * holding the relay or the dispatch). Errors back off exponentially; nothing is
 * lost meanwhile, because the position only moves with committed decisions and a
 * command is deleted only once Temporal has taken it.
 */
@Injectable()
export class EventRelayRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRelayRunner.name);
  private stopped = false;
  private readonly stopping = new AbortController();
  private loops?: Promise<void>;
  private readonly relayWakeup = new Wakeup();
  private readonly dispatchWakeup = new Wakeup();
  private listener?: pg.Client;

  constructor(
    @Inject(AUTOMATION_ENGINE_SETTINGS) private readonly settings: AutomationEngineSettings,
    private readonly relay: EventRelayService,
    private readonly temporal: WorkerTemporalClient,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.relay.enabled) return;
    this.relay.configure(this.settings.relay.tuning ?? {});
    void this.listen();
    const launcher = new TemporalFollowUpLauncher(() => this.temporal.client());
    this.loops = Promise.all([this.relayLoop(), this.dispatchLoop(launcher)]).then(() => undefined);
  }

  /** Before shutdown proper: the shared Temporal client closes only after the calls in flight. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.notify();
    await this.loops;
    await this.listener?.end().catch(() => undefined);
  }

  private notify(): void {
    this.relayWakeup.pulse();
    // Commands another replica decided, when that one cannot dispatch them (this one holds the lock).
    this.dispatchWakeup.pulse();
  }

  /** A plain wait that only shutdown ends early: a backoff must not be cut short by new work. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.stopping.signal.addEventListener('abort', end);
    });
  }

  private async relayLoop(): Promise<void> {
    const pollMs = this.settings.relay.pollIntervalMs;
    let backoff = 0;
    let heldBackDelay = 0;
    while (!this.stopped) {
      try {
        const relayed = await this.relay.relayEvents();
        backoff = 0;
        if (relayed.busy) {
          await this.relayWakeup.sleep(pollMs * 2);
          continue;
        }
        if (relayed.done > 0) {
          heldBackDelay = 0;
          this.dispatchWakeup.pulse();
        }
        if (relayed.more) continue;
        if (relayed.heldBack) {
          // A transaction older than the newest events is still open; usually it commits in
          // moments, but one left open for long must not make the relay spin.
          heldBackDelay = Math.min(pollMs, heldBackDelay * 2 || HELD_BACK_RETRY_MS);
          await this.relayWakeup.sleep(heldBackDelay);
        } else {
          await this.relayWakeup.sleep(pollMs);
        }
      } catch (error) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
        this.logger.warn({ err: error }, `relay step failed; retrying in ${backoff} ms`);
        await this.pause(backoff);
      }
    }
  }

  private async dispatchLoop(launcher: TemporalFollowUpLauncher): Promise<void> {
    const pollMs = this.settings.relay.pollIntervalMs;
    let backoff = 0;
    while (!this.stopped) {
      try {
        const step = await this.relay.dispatchCommands(launcher, { signal: this.stopping.signal });
        if (!step.busy && step.failed > 0) {
          backoff = Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
          this.logger.warn(`Temporal commands failed; retrying in ${backoff} ms`);
          await this.pause(backoff);
          continue;
        }
        backoff = 0;
        // Busy: another replica dispatches; looking again now and then takes over when it stops.
        await this.dispatchWakeup.sleep(step.busy ? pollMs * 2 : pollMs);
      } catch (error) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
        this.logger.warn({ err: error }, `dispatch failed; retrying in ${backoff} ms`);
        await this.pause(backoff);
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
