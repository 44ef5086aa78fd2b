import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  type DayOfWeek,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import {
  AUTOMATION_TASK_QUEUE,
  SCHEDULED_MAILING_PREFIX,
  type ScheduledMailingPlan,
  ScheduledMailingPlans,
  WORKFLOW_TYPES,
} from '../../../../libs/domain/src/index.js';
import { AUTOMATION_ENGINE_SETTINGS, type AutomationEngineSettings } from './automation-engine.settings.js';
import { WorkerTemporalClient } from './worker-temporal-client.js';

/** How often the active schedules are read from the database. */
const CHECK_INTERVAL_MS = 5_000;
/** Temporal is compared with them at least this often, even when nothing changed here. */
const FULL_SYNC_INTERVAL_MS = 60_000;
/** A mailing missed while Temporal was down still goes out if it comes back within this time. */
const CATCHUP_WINDOW = '1 hour';

export interface SyncResult {
  created: string[];
  deleted: string[];
}

/**
 * Keeps Temporal's schedules equal to the `every … send …` statements of the active
 * automation versions: activating a version creates its schedules, deactivating it
 * or activating another removes them. Reconciling instead of reacting to each
 * activation keeps it right after any crash, and any replica may run it: a
 * schedule's id is derived from (version, statement, zone), so two replicas
 * creating or deleting the same one agree.
 */
@Injectable()
export class ScheduledMailingSync implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduledMailingSync.name);
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @Inject(AUTOMATION_ENGINE_SETTINGS) private readonly settings: AutomationEngineSettings,
    private readonly plans: ScheduledMailingPlans,
    private readonly temporal: WorkerTemporalClient,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.relay.enabled) return;
    this.loop = this.run();
  }

  /** Before shutdown proper: the shared Temporal client closes only after the last call. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Creates the missing schedules and deletes the ones no active version calls for. */
  async sync(): Promise<SyncResult> {
    return this.reconcile(await this.plans.active());
  }

  private async reconcile(desired: ScheduledMailingPlan[]): Promise<SyncResult> {
    const client = await this.temporal.client();
    const existing = new Set<string>();
    for await (const schedule of client.schedule.list()) {
      if (schedule.scheduleId.startsWith(SCHEDULED_MAILING_PREFIX)) existing.add(schedule.scheduleId);
    }
    const wanted = new Set(desired.map((schedule) => schedule.scheduleId));
    const result: SyncResult = { created: [], deleted: [] };
    for (const schedule of desired) {
      if (existing.has(schedule.scheduleId)) continue;
      try {
        await client.schedule.create({
          scheduleId: schedule.scheduleId,
          spec: {
            calendars: [
              {
                dayOfWeek: schedule.weekday ? (schedule.weekday.toUpperCase() as DayOfWeek) : '*',
                hour: schedule.hour,
                minute: schedule.minute,
              },
            ],
            timezone: schedule.timeZone,
          },
          action: {
            type: 'startWorkflow',
            workflowType: WORKFLOW_TYPES.scheduledMailing,
            taskQueue: AUTOMATION_TASK_QUEUE,
            workflowId: schedule.scheduleId,
            args: [schedule.input],
          },
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
          state: {
            note: `automation "${schedule.input.automationName}", statement ${schedule.input.scheduleIndex + 1}`,
          },
        });
        result.created.push(schedule.scheduleId);
      } catch (error) {
        // Listing lags behind creation; another replica, or an earlier pass, made it.
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      }
    }
    for (const scheduleId of existing) {
      if (wanted.has(scheduleId)) continue;
      try {
        await client.schedule.getHandle(scheduleId).delete();
        result.deleted.push(scheduleId);
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
    if (result.created.length + result.deleted.length > 0) {
      this.logger.log(
        `scheduled mailings: created ${result.created.length}, deleted ${result.deleted.length} Temporal schedules`,
      );
    }
    return result;
  }

  private async run(): Promise<void> {
    let synced: string | undefined;
    let syncedAt = 0;
    let backoff = CHECK_INTERVAL_MS;
    while (!this.stopped) {
      try {
        const desired = await this.plans.active();
        const fingerprint = JSON.stringify(desired.map((plan) => plan.scheduleId).sort());
        if (fingerprint !== synced || Date.now() - syncedAt >= FULL_SYNC_INTERVAL_MS) {
          await this.reconcile(desired);
          synced = fingerprint;
          syncedAt = Date.now();
        }
        backoff = CHECK_INTERVAL_MS;
      } catch (error) {
        synced = undefined;
        this.logger.warn({ err: error }, `scheduled mailing sync failed; retrying in ${backoff} ms`);
        await this.sleep(backoff);
        backoff = Math.min(FULL_SYNC_INTERVAL_MS, backoff * 2);
        continue;
      }
      await this.sleep(CHECK_INTERVAL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
