import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../../apps/worker/src/worker.module.js';
import { TemporalFollowUpLauncher } from '../../../apps/worker/src/relay/temporal-follow-up.launcher.js';
import {
  type AutomationCommand,
  AutomationRepository,
  EventRelayService,
  FOLLOW_UP_INPUT_VERSION,
  followUpWorkflowId,
  type FollowUpLauncher,
} from '../../../libs/domain/src/index.js';
import { compileAutomation, checkText, type Catalog, EMPTY_CATALOG } from '../../../libs/rules/src/index.js';
import { testTemporalAddress } from '../../support/test-env.js';
import { freshDatabase, isolatedNamespace, workflowsPath } from './engine-fixtures.js';

// The relay on a database of its own, so no other spec's relay takes part:
// the watermark, several replicas and redelivery, driven step by step.
const DATABASE = 'trellis_relay_spec';

/** Records commands instead of calling Temporal. */
class RecordingLauncher implements FollowUpLauncher {
  readonly executed: AutomationCommand[] = [];
  async execute(command: AutomationCommand): Promise<void> {
    this.executed.push(command);
  }
}

const GROUP = '00000000-0000-4000-8000-00000000a001';

describe('event relay', () => {
  let url: string;
  let replicas: INestApplicationContext[];
  let db: DataSource;

  beforeAll(async () => {
    url = await freshDatabase(DATABASE);
    // The replicas' Temporal workers poll a namespace nobody else uses.
    const namespace = await isolatedNamespace('trellis-relay-spec');
    const start = () =>
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
    replicas = [await start(), await start()];
    db = replicas[0]!.get(DataSource);
    // An automation as activation stores it: one trigger on the group, one sequence.
    const catalog: Catalog = {
      ...EMPTY_CATALOG,
      groups: [{ id: GROUP, name: 'Start', parentId: null }],
      templates: [{ name: 'welcome', channel: 'email' }],
    };
    const checked = checkText(
      'when added to Start start sequence "Welcome" every time\nsequence "Welcome" { send email "welcome" }',
      catalog,
    );
    const definitions = compileAutomation(checked.checked!);
    await db.query(`INSERT INTO groups (id, name) VALUES ($1, 'Start')`, [GROUP]);
    await db.query(`INSERT INTO group_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)`, [
      GROUP,
    ]);
    const repository = replicas[0]!.get(AutomationRepository);
    await db.transaction(async (manager) => {
      const automation = await repository.insert(manager, { name: 'Relay spec', source: '' });
      const version = await repository.insertVersion(manager, {
        automationId: automation.id,
        source: '',
        definitions,
        exitOnLeavingStartGroup: false,
        createdBy: 'spec',
      });
      await repository.setActiveVersion(manager, automation.id, version.id);
    });
  });

  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
  });

  /** A membership event as the membership service writes it, for a contact that need not exist. */
  function insertEvent(
    client: { query: (sql: string, params: unknown[]) => Promise<unknown> },
    contactId: string,
  ) {
    return client.query(
      `INSERT INTO domain_events (type, contact_id, actor, payload)
       VALUES ('contact.added_to_group', $1, 'spec', $2)`,
      [
        contactId,
        JSON.stringify({ groupId: GROUP, groupPath: ['Start'], source: 'api', subtreesChanged: [GROUP] }),
      ],
    );
  }

  async function drain(relay: EventRelayService, launcher: FollowUpLauncher) {
    for (;;) {
      const step = await relay.relayEvents();
      await relay.dispatchCommands(launcher);
      if (!step.busy && !step.more) return;
    }
  }

  function started(launcher: RecordingLauncher): string[] {
    return launcher.executed
      .filter((command) => command.kind === 'start')
      .map((command) => command.workflowId);
  }

  it('relays an event whose transaction commits late, after later events, without skipping it', async () => {
    const relay = replicas[0]!.get(EventRelayService);
    const launcher = new RecordingLauncher();
    const [early, late] = [randomUUID(), randomUUID()];
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await insertEvent(slow, early);
      // A later transaction commits first: its event has a higher seq and is visible now.
      await insertEvent(db, late);
      await drain(relay, launcher);
      expect(started(launcher)).toEqual([]);
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    await drain(relay, launcher);
    expect(started(launcher).map((id) => id.split('/')[2])).toEqual([early, late]);
  });

  it('decides every event once when two replicas relay at the same time', async () => {
    const launchers = [new RecordingLauncher(), new RecordingLauncher()];
    const contacts = Array.from({ length: 300 }, () => randomUUID());
    const relays = replicas.map((replica) => {
      const relay = replica.get(EventRelayService);
      relay.configure({ batchSize: 25 });
      return relay;
    });
    const writing = (async () => {
      for (const contact of contacts) await insertEvent(db, contact);
    })();
    let writingDone = false;
    void writing.then(() => (writingDone = true));
    await Promise.all(
      relays.map(async (relay, index) => {
        while (!writingDone) await drain(relay, launchers[index]!);
        await drain(relay, launchers[index]!);
      }),
    );
    await drain(relays[0]!, launchers[0]!);
    const all = [...started(launchers[0]!), ...started(launchers[1]!)];
    const mine = all.filter((id) => (contacts as string[]).includes(id.split('/')[2]!));
    expect(mine).toHaveLength(contacts.length);
    expect(new Set(mine).size).toBe(contacts.length);
    const [row] = await db.query(
      `SELECT count(*)::int AS count FROM sequence_entries WHERE contact_id = ANY($1::uuid[])`,
      [contacts],
    );
    expect(row.count).toBe(contacts.length);
    for (const relay of relays) relay.configure({ batchSize: 1000 });
  });

  it('starts a workflow once even when a start command is executed again after a crash', async () => {
    const namespace = await isolatedNamespace('trellis-relay-spec');
    const connection = await Connection.connect({ address: testTemporalAddress() });
    try {
      const client = new Client({ connection, namespace });
      const launcher = new TemporalFollowUpLauncher(async () => client);
      const contactId = randomUUID();
      const workflowId = followUpWorkflowId('Welcome', contactId, '1');
      const command: AutomationCommand = {
        kind: 'start',
        workflowId,
        payload: {
          definitionVersion: FOLLOW_UP_INPUT_VERSION,
          automationVersionId: randomUUID(),
          sequence: { name: 'Welcome', steps: [{ type: 'wait', seconds: 3600 }] },
          contactId,
          entryId: '1',
        },
      };
      await launcher.execute(command);
      await launcher.execute(command);
      await client.workflow.getHandle(workflowId).terminate('spec');
      // Even after the first run ended, the same entry cannot start again.
      await launcher.execute(command);
      const runs: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        runs.push(execution.runId);
      }
      expect(runs.length).toBeLessThanOrEqual(1);
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('TERMINATED');
      // A stop for an ended workflow has nothing to do and is not an error.
      await launcher.execute({ kind: 'signal', workflowId, payload: { reason: 'trigger' } });
    } finally {
      await connection.close();
    }
  });

  it('keeps undelivered commands until Temporal takes them', async () => {
    const relay = replicas[0]!.get(EventRelayService);
    const contactId = randomUUID();
    await insertEvent(db, contactId);
    const refusing: FollowUpLauncher = {
      execute: async () => {
        throw new Error('Temporal is down');
      },
    };
    await relay.relayEvents();
    const failed = await relay.dispatchCommands(refusing);
    expect(failed).toMatchObject({ busy: false, done: 0 });
    const [pending] = await db.query(
      `SELECT attempts, last_error AS "lastError" FROM automation_commands WHERE workflow_id LIKE $1`,
      [`%${contactId}%`],
    );
    expect(pending).toMatchObject({ attempts: 1, lastError: 'Temporal is down' });
    const launcher = new RecordingLauncher();
    await drain(relay, launcher);
    expect(started(launcher).some((id) => id.includes(contactId))).toBe(true);
    expect(await db.query(`SELECT 1 FROM automation_commands`)).toEqual([]);
  });
});
