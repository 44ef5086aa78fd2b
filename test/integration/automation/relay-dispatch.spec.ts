import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../../apps/worker/src/worker.module.js';
import {
  type AutomationCommand,
  DEFAULT_RELAY_SETTINGS,
  EventRelayService,
  FOLLOW_UP_INPUT_VERSION,
  type FollowUpLauncher,
  RelayRepository,
} from '../../../libs/domain/src/index.js';
import { testTemporalAddress } from '../../support/test-env.js';
import { eventually, freshDatabase, isolatedNamespace, workflowsPath } from './engine-fixtures.js';

// The dispatcher on a database of its own, driven with commands written straight
// into the table and a launcher whose calls the spec holds open, fails or counts.
const DATABASE = 'trellis_relay_dispatch_spec';

/** Records calls as `<kind> <workflow id>`; a held call waits for its release, a refused one fails. */
class ScriptedLauncher implements FollowUpLauncher {
  /** Calls begun, in order. */
  readonly calling: string[] = [];
  /** Calls that succeeded, in the order they ended. */
  readonly executed: string[] = [];
  private readonly held = new Map<string, Promise<void>>();
  private readonly refused = new Set<string>();

  /** The next call of this label waits until the returned function is called. */
  hold(label: string): () => void {
    let release!: () => void;
    this.held.set(label, new Promise((resolve) => (release = resolve)));
    return release;
  }

  /** The next call of this label fails. */
  refuse(label: string): void {
    this.refused.add(label);
  }

  async execute(command: AutomationCommand): Promise<void> {
    const label = `${command.kind} ${command.workflowId}`;
    this.calling.push(label);
    const gate = this.held.get(label);
    if (gate) {
      this.held.delete(label);
      await gate;
    }
    if (this.refused.delete(label)) throw new Error('Temporal refused');
    this.executed.push(label);
  }
}

function start(workflowId: string): AutomationCommand {
  return {
    kind: 'start',
    workflowId,
    payload: {
      definitionVersion: FOLLOW_UP_INPUT_VERSION,
      automationVersionId: randomUUID(),
      sequence: { name: 'Dispatch spec', steps: [{ type: 'wait', seconds: 3600 }] },
      contactId: randomUUID(),
      entryId: workflowId,
    },
  };
}

function stop(workflowId: string): AutomationCommand {
  return { kind: 'signal', workflowId, payload: { reason: 'trigger' } };
}

function workflow(): string {
  return `follow-up/spec/${randomUUID()}`;
}

describe('relay dispatch', () => {
  let replicas: INestApplicationContext[];
  let db: DataSource;
  let relays: EventRelayService[];

  beforeAll(async () => {
    const url = await freshDatabase(DATABASE);
    const namespace = await isolatedNamespace('trellis-relay-dispatch-spec');
    const replica = () =>
      NestFactory.createApplicationContext(
        WorkerModule.forRoot({
          temporalAddress: testTemporalAddress(),
          temporalNamespace: namespace,
          smtpUrl: 'smtp://127.0.0.1:1',
          mailFrom: 'Trellis <no-reply@trellis.test>',
          logLevel: 'silent',
          workflowsPath,
          databaseUrl: url,
          relayEnabled: false,
        }),
        { logger: false },
      );
    replicas = [await replica(), await replica()];
    db = replicas[0]!.get(DataSource);
    relays = replicas.map((context) => context.get(EventRelayService));
  });

  afterEach(async () => {
    for (const relay of relays) relay.configure({ concurrency: DEFAULT_RELAY_SETTINGS.concurrency });
    await db.query(`DELETE FROM automation_commands`);
  });

  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
  });

  /** Commands as the relay decides them, committed in this order. */
  async function decide(...commands: AutomationCommand[]): Promise<void> {
    await replicas[0]!.get(RelayRepository).insertCommands(db.manager, commands);
  }

  async function pending(): Promise<{ label: string; attempts: number; lastError: string | null }[]> {
    const rows: { kind: string; workflowId: string; attempts: number; lastError: string | null }[] =
      await db.query(
        `SELECT kind, workflow_id AS "workflowId", attempts, last_error AS "lastError"
         FROM automation_commands ORDER BY id`,
      );
    return rows.map((row) => ({
      label: `${row.kind} ${row.workflowId}`,
      attempts: row.attempts,
      lastError: row.lastError,
    }));
  }

  it('keeps its slots busy while one call hangs, takes commands decided meanwhile and runs a stop after its start', async () => {
    const launcher = new ScriptedLauncher();
    const [slow, quick, later] = [workflow(), workflow(), workflow()];
    const release = launcher.hold(`start ${slow}`);
    await decide(start(slow), start(quick));
    const dispatching = relays[0]!.dispatchCommands(launcher);

    await eventually(async () => expect(launcher.executed).toEqual([`start ${quick}`]));
    // Deleted as it finished, not when the whole dispatch ends.
    await eventually(async () =>
      expect((await pending()).map((row) => row.label)).toEqual([`start ${slow}`]),
    );
    // Decided while the slow start is still in flight: its stop must wait for it, the new start need not.
    await decide(stop(slow), start(later));
    await eventually(async () => expect(launcher.executed).toEqual([`start ${quick}`, `start ${later}`]));
    expect(launcher.calling).not.toContain(`signal ${slow}`);

    release();
    expect(await dispatching).toEqual({ busy: false, done: 4, failed: 0, more: false });
    expect(launcher.executed).toEqual([
      `start ${quick}`,
      `start ${later}`,
      `start ${slow}`,
      `signal ${slow}`,
    ]);
    expect(await pending()).toEqual([]);
  });

  it('runs a stop after its start when their ids cross a power of ten (ordered as numbers, not text)', async () => {
    const launcher = new ScriptedLauncher();
    const id = workflow();
    await db.query(`SELECT setval(pg_get_serial_sequence('automation_commands', 'id'), 98)`);
    await decide(start(id), stop(id));

    expect(await relays[0]!.dispatchCommands(launcher)).toMatchObject({ busy: false, done: 2, failed: 0 });
    expect(launcher.calling).toEqual([`start ${id}`, `signal ${id}`]);
  });

  it('keeps a failed command and the later ones of its workflow for the next dispatch, in order', async () => {
    const launcher = new ScriptedLauncher();
    const [failing, other] = [workflow(), workflow()];
    launcher.refuse(`start ${failing}`);
    await decide(start(failing), stop(failing), start(other));

    expect(await relays[0]!.dispatchCommands(launcher)).toEqual({
      busy: false,
      done: 1,
      failed: 1,
      more: false,
    });
    expect(launcher.calling).toEqual([`start ${failing}`, `start ${other}`]);
    expect(await pending()).toEqual([
      { label: `start ${failing}`, attempts: 1, lastError: 'Temporal refused' },
      { label: `signal ${failing}`, attempts: 0, lastError: null },
    ]);

    expect(await relays[0]!.dispatchCommands(launcher)).toEqual({
      busy: false,
      done: 2,
      failed: 0,
      more: false,
    });
    expect(launcher.executed).toEqual([`start ${other}`, `start ${failing}`, `signal ${failing}`]);
    expect(await pending()).toEqual([]);
  });

  it('lets one replica dispatch at a time: another finds it busy while calls are in flight', async () => {
    const [first, second] = [new ScriptedLauncher(), new ScriptedLauncher()];
    const id = workflow();
    const release = first.hold(`start ${id}`);
    await decide(start(id));
    const dispatching = relays[0]!.dispatchCommands(first);
    await eventually(async () => expect(first.calling).toEqual([`start ${id}`]));

    expect(await relays[1]!.dispatchCommands(second)).toEqual({ busy: true });
    release();
    expect(await dispatching).toMatchObject({ busy: false, done: 1 });
    expect(await relays[1]!.dispatchCommands(second)).toMatchObject({ busy: false, done: 0 });
    expect(second.calling).toEqual([]);
  });

  it('on shutdown finishes the calls in flight and leaves the rest in the table', async () => {
    const launcher = new ScriptedLauncher();
    const ids = [workflow(), workflow(), workflow()];
    relays[0]!.configure({ concurrency: 1 });
    const release = launcher.hold(`start ${ids[0]}`);
    await decide(...ids.map(start));
    const shutdown = new AbortController();
    const dispatching = relays[0]!.dispatchCommands(launcher, { signal: shutdown.signal });
    await eventually(async () => expect(launcher.calling).toEqual([`start ${ids[0]}`]));

    shutdown.abort();
    release();
    expect(await dispatching).toEqual({ busy: false, done: 1, failed: 0, more: true });
    expect((await pending()).map((row) => row.label)).toEqual([`start ${ids[1]}`, `start ${ids[2]}`]);
  });

  it('stops after as many failures as it has slots, so an outage costs each command one attempt at most', async () => {
    const refusing: FollowUpLauncher = {
      execute: async () => {
        throw new Error('Temporal is down');
      },
    };
    relays[0]!.configure({ concurrency: 4 });
    await decide(...Array.from({ length: 10 }, () => start(workflow())));

    expect(await relays[0]!.dispatchCommands(refusing)).toEqual({
      busy: false,
      done: 0,
      failed: 4,
      more: true,
    });
    const rows = await pending();
    expect(rows).toHaveLength(10);
    expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });
});
