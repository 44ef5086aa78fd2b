import { Injectable } from '@nestjs/common';
import { afterCommit, type Db, Transactions } from '../database/transactions.js';
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
  /** Events read per relay step; commands read from the table at a time while dispatching. */
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

export interface DispatchOptions {
  /** Aborted: take no new commands, finish the calls in flight and return (shutdown). */
  signal?: AbortSignal;
}

/** Done commands are deleted in groups of this many, or older than FLUSH_MS, while the dispatch goes on. */
const FLUSH_SIZE = 64;
const FLUSH_MS = 250;
/** While calls are in flight, the table is read again this often for commands decided meanwhile. */
const LOOK_AGAIN_MS = 200;

interface Chain {
  workflowId: string;
  /** Loaded, not executed yet, in decision order; the first may be in flight already. */
  commands: StoredCommand[];
}

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
 * deleted by one dispatcher at a time (an advisory lock), which may run while the
 * next events are relayed. Workflow ids are derived from (sequence, contact,
 * triggering event), so a command executed twice after a crash starts nothing twice.
 */
@Injectable()
export class EventRelayService {
  private settings: RelaySettings = DEFAULT_RELAY_SETTINGS;
  /** Dispatches under way in this process, told when this process has decided new commands. */
  private readonly decidedListeners = new Set<() => void>();

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
      if (plan.commands.length > 0) {
        afterCommit(db, () => {
          for (const listener of this.decidedListeners) listener();
        });
      }
      return { busy: false, done: events.length, failed: 0, more: events.length === this.settings.batchSize };
    });
  }

  /**
   * Executes decided commands in decision order: commands for one workflow one
   * after another (a start before its stop), different workflows concurrently.
   * A pipeline, not batches: a free slot takes the next workflow at once, the
   * table is read ahead while calls are in flight (also for commands decided
   * meanwhile), and done commands are deleted in small groups as they finish.
   * Returns when no command is left, or early on shutdown or when `concurrency`
   * calls have failed (Temporal is likely down; the caller backs off). Failed
   * commands, and the later ones of their workflow, stay for the next dispatch.
   *
   * The lock's transaction only reads, so it takes no transaction id however long
   * the dispatch runs; deletes commit on their own, after checking that the lock's
   * connection is still there.
   */
  async dispatchCommands(launcher: FollowUpLauncher, options: DispatchOptions = {}): Promise<RelayStep> {
    return this.transactions.run(async (db) => {
      if (!(await this.relay.lockDispatch(db))) return { busy: true };
      const dispatch = new Dispatch(db, this.transactions.pool, this.relay, launcher, this.settings);
      const decided = () => dispatch.lookAgain();
      const stop = () => dispatch.stop();
      this.decidedListeners.add(decided);
      options.signal?.addEventListener('abort', stop);
      if (options.signal?.aborted) dispatch.stop();
      try {
        return await dispatch.run();
      } finally {
        this.decidedListeners.delete(decided);
        options.signal?.removeEventListener('abort', stop);
      }
    });
  }

  async backlog(): Promise<number> {
    return this.relay.backlog(this.transactions.pool, RELAY_NAME);
  }
}

/**
 * One dispatch, run while its transaction holds the dispatch lock: reads commands
 * on that transaction (`db`) and deletes done ones through the pool, each delete
 * committing on its own.
 */
class Dispatch {
  /** Workflows with commands loaded and not done; a workflow's commands run one after another. */
  private readonly active = new Map<string, Chain>();
  /** Chains waiting for a free slot, oldest first. */
  private readonly ready: Chain[] = [];
  /** Workflows with a failed command: their later commands wait for the next dispatch. */
  private readonly blocked = new Set<string>();
  /** Executed, not deleted yet. */
  private readonly done: string[] = [];
  private readonly failed: { id: string; error: string }[] = [];
  private doneCount = 0;
  private failedCount = 0;
  private running = 0;
  private after = '0';
  private drained = false;
  private lookedAt = 0;
  private flushedAt = Date.now();
  private stopping = false;
  private woken = false;
  private wake?: () => void;

  constructor(
    private readonly db: Db,
    private readonly pool: Db,
    private readonly relay: RelayRepository,
    private readonly launcher: FollowUpLauncher,
    private readonly settings: Pick<RelaySettings, 'batchSize' | 'concurrency'>,
  ) {}

  /** Commands were decided meanwhile: read the table again. */
  lookAgain(): void {
    this.drained = false;
    this.pulse();
  }

  /** Take nothing new; finish the calls in flight. */
  stop(): void {
    this.stopping = true;
    this.pulse();
  }

  async run(): Promise<RelayStep> {
    const { concurrency } = this.settings;
    let problem: unknown;
    for (;;) {
      if (this.failedCount >= concurrency) this.stopping = true;
      try {
        const due = !this.drained || (this.running > 0 && Date.now() - this.lookedAt >= LOOK_AGAIN_MS);
        if (!this.stopping && this.ready.length < concurrency && due) await this.load();
        while (!this.stopping && this.running < concurrency && this.ready.length > 0) {
          this.start(this.ready.shift()!);
        }
        if (
          this.done.length >= FLUSH_SIZE ||
          this.failed.length > 0 ||
          Date.now() - this.flushedAt >= FLUSH_MS
        ) {
          await this.flush();
        }
      } catch (error) {
        // The database is gone, and the lock with it: finish the calls in flight, then report.
        problem ??= error;
        this.stopping = true;
      }
      if (this.running === 0 && (this.stopping || (this.drained && this.ready.length === 0))) break;
      if (this.running === 0 && !this.drained) continue;
      // Until a call ends, commands are decided here, or it is time to look again or delete.
      await this.nap(LOOK_AGAIN_MS);
    }
    if (problem !== undefined) throw problem;
    await this.flush();
    return {
      busy: false,
      done: this.doneCount,
      failed: this.failedCount,
      more: this.stopping && (this.ready.length > 0 || !this.drained),
    };
  }

  private async load(): Promise<void> {
    const commands = await this.relay.pendingCommands(this.db, this.settings.batchSize, this.after);
    this.lookedAt = Date.now();
    this.drained = commands.length < this.settings.batchSize;
    for (const command of commands) {
      this.after = command.id;
      if (this.blocked.has(command.workflowId)) continue;
      const chain = this.active.get(command.workflowId);
      if (chain) {
        // Its earlier command may be in flight: this one runs after it, in the same slot.
        chain.commands.push(command);
      } else {
        const created = { workflowId: command.workflowId, commands: [command] };
        this.active.set(command.workflowId, created);
        this.ready.push(created);
      }
    }
  }

  private start(chain: Chain): void {
    this.running += 1;
    void this.execute(chain).finally(() => {
      this.running -= 1;
      this.pulse();
    });
  }

  private async execute(chain: Chain): Promise<void> {
    for (let command = chain.commands[0]; command; command = chain.commands[0]) {
      try {
        await this.launcher.execute(command);
        this.done.push(command.id);
        this.doneCount += 1;
      } catch (error) {
        // The rest of this workflow's commands wait, so a stop never overtakes its start.
        this.failed.push({ id: command.id, error: error instanceof Error ? error.message : String(error) });
        this.failedCount += 1;
        this.blocked.add(chain.workflowId);
        break;
      }
      chain.commands.shift();
    }
    this.active.delete(chain.workflowId);
  }

  private async flush(): Promise<void> {
    const ids = this.done.splice(0);
    const failures = this.failed.splice(0);
    this.flushedAt = Date.now();
    if (ids.length === 0 && failures.length === 0) return;
    // Still the only dispatcher: the lock's transaction answers.
    if (!(await this.relay.lockDispatch(this.db))) throw new Error('the dispatch lock was lost');
    await this.relay.deleteCommands(this.pool, ids);
    await this.relay.noteCommandFailures(this.pool, failures);
  }

  private pulse(): void {
    this.woken = true;
    this.wake?.();
  }

  private async nap(ms: number): Promise<void> {
    if (!this.woken) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.woken = false;
    this.wake = undefined;
  }
}
