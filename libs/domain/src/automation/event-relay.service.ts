import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.js';
import { AutomationRepository } from './automation.repository.js';
import { type AutomationCommand, RelayRepository, type StoredCommand } from './relay.repository.js';
import { DEFAULT_LOOP_GUARD, type LoopGuardLimits, TriggerPlanner } from './trigger-planner.js';

/** Temporal as the relay sees it; the worker binds it to a client. */
export interface FollowUpLauncher {
  /**
   * Idempotent: a start whose workflow id exists (or existed) counts as done, and
   * so does a signal to a workflow that has already ended.
   */
  execute(command: AutomationCommand): Promise<void>;
}

export const RELAY_NAME = 'automation';

export interface RelaySettings {
  batchSize: number;
  /** Temporal calls in flight at once while dispatching. */
  concurrency: number;
  loopGuard: LoopGuardLimits;
  /** Divides every `wait` of the follow-ups started (demo and test installations). */
  waitScale: number;
}

export const DEFAULT_RELAY_SETTINGS: RelaySettings = {
  batchSize: 1000,
  concurrency: 64,
  loopGuard: DEFAULT_LOOP_GUARD,
  waitScale: 1,
};

export type RelayStep =
  | { busy: true }
  | {
      busy: false;
      done: number;
      failed: number;
      more: boolean;
      /** Events exist that wait for an older transaction to end: worth looking again soon. */
      heldBack?: boolean;
    };

/**
 * The automation outbox relay. Each relay step runs in one transaction that holds
 * the relay's position row (FOR UPDATE SKIP LOCKED), so with several replicas
 * exactly one relays at a time and a replica that dies mid-step leaves the
 * position where it was. Decisions (entries, timeline events, Temporal commands)
 * commit together with the new position; the commands are then executed and
 * deleted by one dispatcher at a time (an advisory lock). Workflow ids are derived from (sequence, contact, triggering event),
 * so a command executed twice after a crash starts nothing twice.
 */
@Injectable()
export class EventRelayService {
  private settings: RelaySettings = DEFAULT_RELAY_SETTINGS;

  constructor(
    private readonly transactions: Transactions,
    private readonly relay: RelayRepository,
    private readonly automations: AutomationRepository,
    private readonly planner: TriggerPlanner,
  ) {}

  configure(settings: Partial<RelaySettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** Reads the next batch of final events and commits what they mean, with the new position. */
  async relayEvents(): Promise<RelayStep> {
    return this.transactions.run(async (db) => {
      const position = await this.relay.lockPosition(db, RELAY_NAME);
      if (!position) return { busy: true };
      const events = await this.relay.eventsAfter(db, position, this.settings.batchSize);
      if (events.length === 0) {
        return {
          busy: false,
          done: 0,
          failed: 0,
          more: false,
          heldBack: await this.relay.heldBack(db, position),
        };
      }
      const automations = await this.automations.active(db);
      const plan = await this.planner.plan(db, events, automations, {
        loopGuard: this.settings.loopGuard,
        waitScale: this.settings.waitScale,
      });
      await this.planner.record(db, plan);
      await this.relay.insertCommands(db, plan.commands);
      await this.relay.savePosition(db, RELAY_NAME, events.at(-1)!);
      return { busy: false, done: events.length, failed: 0, more: events.length === this.settings.batchSize };
    });
  }

  /**
   * Executes decided commands in decision order: commands for one workflow one
   * after another (a start before its stop), different workflows concurrently.
   * Failed commands stay for the next step.
   */
  async dispatchCommands(launcher: FollowUpLauncher): Promise<RelayStep> {
    return this.transactions.run(async (db) => {
      if (!(await this.relay.lockDispatch(db))) return { busy: true };
      const commands = await this.relay.pendingCommands(db, this.settings.batchSize);
      if (commands.length === 0) return { busy: false, done: 0, failed: 0, more: false };
      const chains = new Map<string, StoredCommand[]>();
      for (const command of commands) {
        const chain = chains.get(command.workflowId);
        if (chain) chain.push(command);
        else chains.set(command.workflowId, [command]);
      }
      const done: string[] = [];
      const failed: { id: string; error: string }[] = [];
      const queue = [...chains.values()];
      const worker = async () => {
        for (let chain = queue.shift(); chain; chain = queue.shift()) {
          for (const command of chain) {
            try {
              await launcher.execute(command);
              done.push(command.id);
            } catch (error) {
              // The rest of this workflow's chain waits, so a stop never overtakes its start.
              failed.push({ id: command.id, error: error instanceof Error ? error.message : String(error) });
              break;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, queue.length) }, worker));
      await this.relay.deleteCommands(db, done);
      await this.relay.noteCommandFailures(db, failed);
      return {
        busy: false,
        done: done.length,
        failed: failed.length,
        more: commands.length === this.settings.batchSize,
      };
    });
  }

  async backlog(): Promise<number> {
    return this.relay.backlog(this.transactions.pool, RELAY_NAME);
  }
}
