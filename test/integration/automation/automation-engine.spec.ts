import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { EventRelayService, FOLLOW_UP_QUERIES, type FollowUpStatus } from '../../../libs/domain/src/index.js';
import { testTemporalAddress } from '../../support/test-env.js';
import {
  emailBody,
  expectStatus,
  newEmailTemplate,
  openTestApi,
  publish,
  type TestApi,
  unique,
} from '../templates/template-fixtures.js';
import { eventually, isolatedNamespace, ScriptedSmtp, startWorker } from './engine-fixtures.js';

// The whole engine on real PostgreSQL and the Temporal dev server: the API saves
// and activates automations, the worker's relay turns membership events into
// follow-up workflows, and the workflows send through SMTP. `wait 1 minute` lasts
// half a second here (TRELLIS_SEQUENCE_WAIT_SCALE 120).
const WAIT_SCALE = 120;

interface Group {
  id: string;
  name: string;
}

describe('automation engine', () => {
  let api: TestApi;
  let smtp: ScriptedSmtp;
  let worker: INestApplicationContext;
  let namespace: string;
  let temporal: Client;
  let db: DataSource;

  beforeAll(async () => {
    namespace = await isolatedNamespace('trellis-automation-engine-spec');
    smtp = new ScriptedSmtp();
    await smtp.listen();
    api = await openTestApi({ temporalNamespace: namespace, temporalUiUrl: 'http://127.0.0.1:8233' });
    worker = await startWorker({ smtpUrl: smtp.url, namespace, relay: true, waitScale: WAIT_SCALE });
    db = worker.get(DataSource);
    temporal = new Client({
      connection: await Connection.connect({ address: testTemporalAddress() }),
      namespace,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
    await smtp?.close();
    await temporal?.connection.close();
  });

  async function group(name: string, parent?: Group): Promise<Group> {
    return expectStatus<Group>(
      await api.call('POST', '/v1/groups', { name, ...(parent ? { parentId: parent.id } : {}) }),
      201,
    );
  }

  /** Start-xxxx/Greece/Crete and Start-xxxx/Greece/Rhodes with a unique root. */
  async function startTree() {
    const start = await group(unique('Start'));
    const greece = await group('Greece', start);
    const crete = await group('Crete', greece);
    const rhodes = await group('Rhodes', greece);
    return { start, greece, crete, rhodes, path: `"${start.name}"/Greece` };
  }

  async function emailTemplate(subject: string): Promise<string> {
    const template = await newEmailTemplate(api, {
      name: unique('seq'),
      subject,
      body: emailBody('<mj-text>Hello {{contact.firstName}}</mj-text>'),
    });
    await publish(api, template.id);
    return template.name;
  }

  async function activate(source: string, options: Record<string, unknown> = {}) {
    const saved = await expectStatus<{ id: string; validation: { valid: boolean; diagnostics: unknown[] } }>(
      await api.call('POST', '/v1/automations', { name: unique('automation'), source }),
      201,
    );
    expect(saved.validation).toEqual({ valid: true, diagnostics: [] });
    const version = await expectStatus<{ id: string; version: number }>(
      await api.call('POST', `/v1/automations/${saved.id}/activate`, options),
      201,
    );
    return { id: saved.id, versionId: version.id };
  }

  async function person(fields: Record<string, unknown> = {}) {
    return expectStatus<{ id: string; email: string }>(
      await api.call('POST', '/v1/contacts', {
        email: `${unique('p')}@example.com`,
        firstName: 'Eleni',
        ...fields,
      }),
      201,
    );
  }

  async function addTo(contactId: string, groupId: string) {
    await expectStatus(await api.call('PUT', `/v1/contacts/${contactId}/groups/${groupId}`), 200);
  }

  async function removeFrom(contactId: string, groupId: string) {
    await expectStatus(await api.call('DELETE', `/v1/contacts/${contactId}/groups/${groupId}`), 200);
  }

  async function entries(contactId: string) {
    return (await db.query(
      `SELECT workflow_id AS "workflowId", sequence_name AS sequence, status, current_step AS "currentStep",
         stop_reason AS "stopReason", depth
       FROM sequence_entries WHERE contact_id = $1 ORDER BY entered_at`,
      [contactId],
    )) as {
      workflowId: string;
      sequence: string;
      status: string;
      currentStep: number;
      stopReason: string | null;
      depth: number;
    }[];
  }

  async function ended(contactId: string, count = 1) {
    return eventually(async () => {
      const rows = await entries(contactId);
      expect(rows).toHaveLength(count);
      for (const row of rows) expect(['completed', 'stopped']).toContain(row.status);
      return rows;
    });
  }

  async function subjects(address: string) {
    return smtp.to(address).map((mail) => mail.subject);
  }

  it('adding a contact to a subgroup of Start/Greece starts the sequence once', async () => {
    const tree = await startTree();
    const welcome = await emailTemplate('Welcome to Greece');
    const offers = await emailTemplate('Greek offers');
    const sequence = unique('Greece follow-up');
    await activate(`when added to ${tree.path} start sequence "${sequence}"
      sequence "${sequence}" {
        send email "${welcome}"
        wait 1 minute
        send email "${offers}"
      }`);
    const contact = await person();
    await addTo(contact.id, tree.crete.id);
    // Moving between two subgroups of Start/Greece neither enters nor leaves it.
    await addTo(contact.id, tree.rhodes.id);
    await removeFrom(contact.id, tree.crete.id);
    await addTo(contact.id, tree.greece.id);

    const [entry] = await ended(contact.id);
    expect(entry).toMatchObject({ sequence, status: 'completed', currentStep: 3, depth: 1 });
    expect(await subjects(contact.email)).toEqual(['Welcome to Greece', 'Greek offers']);

    const timeline = await expectStatus<{ items: { type: string }[] }>(
      await api.call('GET', `/v1/contacts/${contact.id}/timeline`),
      200,
    );
    const automationEvents = timeline.items
      .map((item) => item.type)
      .filter((type) => !type.startsWith('contact.'));
    expect(automationEvents).toEqual([
      'sequence.ended',
      'delivery.sent',
      'delivery.sent',
      'sequence.started',
    ]);
  });

  it('re-entry: once by default, every time, and once per N days', async () => {
    const tree = await startTree();
    const hello = await emailTemplate('Hello');
    const [once, every, perDays] = [unique('once'), unique('every'), unique('perdays')];
    await activate(`when added to ${tree.path} start sequence "${once}"
      when added to ${tree.path} start sequence "${every}" every time
      when added to ${tree.path} start sequence "${perDays}" once per 30 days
      sequence "${once}" { send email "${hello}" }
      sequence "${every}" { send email "${hello}" }
      sequence "${perDays}" { send email "${hello}" }`);
    const contact = await person();
    for (let round = 0; round < 3; round++) {
      await addTo(contact.id, tree.crete.id);
      await eventually(async () =>
        expect((await entries(contact.id)).length).toBeGreaterThanOrEqual(round + 1),
      );
      await removeFrom(contact.id, tree.crete.id);
    }
    const rows = await ended(contact.id, 5);
    const count = (name: string) => rows.filter((row) => row.sequence === name).length;
    expect([count(once), count(every), count(perDays)]).toEqual([1, 3, 1]);
  });

  it('evaluates an `if` condition on fresh data when the event is relayed', async () => {
    const tree = await startTree();
    const hello = await emailTemplate('Guten Tag');
    const sequence = unique('de only');
    await activate(`when added to ${tree.path} if country = "DE" start sequence "${sequence}"
      sequence "${sequence}" { send email "${hello}" }`);
    const german = await person({ country: 'DE' });
    const greek = await person({ country: 'GR' });
    await addTo(german.id, tree.greece.id);
    await addTo(greek.id, tree.greece.id);
    await ended(german.id);
    expect(await subjects(german.email)).toEqual(['Guten Tag']);
    const relay = worker.get(EventRelayService);
    await eventually(async () => expect(await relay.backlog()).toBe(0));
    expect(await entries(greek.id)).toEqual([]);
  });

  it('stops the sequence when the contact is removed from the group (stop trigger) and sends nothing more', async () => {
    const tree = await startTree();
    const welcome = await emailTemplate('Welcome');
    const later = await emailTemplate('Later');
    const sequence = unique('stoppable');
    await activate(`when added to ${tree.path} start sequence "${sequence}"
      when removed from ${tree.path} stop sequence "${sequence}"
      sequence "${sequence}" {
        send email "${welcome}"
        wait 2 days
        send email "${later}"
      }`);
    const contact = await person();
    await addTo(contact.id, tree.greece.id);
    const [running] = await eventually(async () => {
      const rows = await entries(contact.id);
      expect(rows[0]?.status).toBe('waiting');
      return rows;
    });

    const live = await expectStatus<{ items: Record<string, unknown>[] }>(
      await api.call('GET', `/v1/contacts/${contact.id}/automations`),
      200,
    );
    expect(live.items).toMatchObject([
      {
        sequence,
        status: 'waiting',
        currentStep: 1,
        stepType: 'wait',
        live: true,
        workflowId: running!.workflowId,
      },
    ]);
    expect(Date.parse(live.items[0]!.nextWakeUpAt as string)).toBeGreaterThan(Date.now());
    expect(live.items[0]!.temporalUiUrl).toBe(
      `http://127.0.0.1:8233/namespaces/${namespace}/workflows/${encodeURIComponent(running!.workflowId)}`,
    );

    await removeFrom(contact.id, tree.greece.id);
    const [stopped] = await ended(contact.id);
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'trigger' });
    expect(await subjects(contact.email)).toEqual(['Welcome']);
  });

  it('ends running sequences when the contact unsubscribes or is deleted', async () => {
    const tree = await startTree();
    const welcome = await emailTemplate('Welcome');
    const sequence = unique('long');
    await activate(`when added to ${tree.path} start sequence "${sequence}"
      sequence "${sequence}" { send email "${welcome}" wait 7 days send email "${welcome}" }`);
    const leaving = await person();
    const erased = await person();
    await addTo(leaving.id, tree.greece.id);
    await addTo(erased.id, tree.greece.id);
    await eventually(async () => {
      expect((await entries(leaving.id))[0]?.status).toBe('waiting');
      expect((await entries(erased.id))[0]?.status).toBe('waiting');
    });
    await expectStatus(
      await api.call('PATCH', `/v1/contacts/${leaving.id}`, { consent: 'unsubscribed' }),
      200,
    );
    await expectStatus(await api.call('DELETE', `/v1/contacts/${erased.id}`), 204);
    expect((await ended(leaving.id))[0]).toMatchObject({ status: 'stopped', stopReason: 'unsubscribed' });
    expect((await ended(erased.id))[0]).toMatchObject({ status: 'stopped', stopReason: 'deleted' });
  });

  it('ends an entry when the contact leaves the start group, if the automation says so', async () => {
    const tree = await startTree();
    const welcome = await emailTemplate('Welcome');
    const sequence = unique('exit on leave');
    await activate(
      `when added to ${tree.path} start sequence "${sequence}"
      sequence "${sequence}" { wait 7 days send email "${welcome}" }`,
      { exitOnLeavingStartGroup: true },
    );
    const contact = await person();
    await addTo(contact.id, tree.crete.id);
    await eventually(async () => expect((await entries(contact.id))[0]?.status).toBe('waiting'));
    // Still below Start/Greece: nothing happens.
    await addTo(contact.id, tree.rhodes.id);
    await removeFrom(contact.id, tree.crete.id);
    await removeFrom(contact.id, tree.rhodes.id);
    expect((await ended(contact.id))[0]).toMatchObject({ status: 'stopped', stopReason: 'leftStartGroup' });
  });

  it('group steps go through the membership service and trigger further automations', async () => {
    const tree = await startTree();
    const interested = await group(unique('Interested'));
    const welcome = await emailTemplate('Welcome');
    const followUp = await emailTemplate('You are interested');
    const [first, second] = [unique('first'), unique('second')];
    await activate(`when added to ${tree.path} start sequence "${first}"
      when added to "${interested.name}" start sequence "${second}"
      sequence "${first}" { send email "${welcome}" add to "${interested.name}" remove from ${tree.path} }
      sequence "${second}" { send email "${followUp}" }`);
    const contact = await person();
    await addTo(contact.id, tree.greece.id);
    const rows = await ended(contact.id, 2);
    expect(rows.map((row) => [row.sequence, row.depth])).toEqual([
      [first, 1],
      [second, 2],
    ]);
    expect(await subjects(contact.email)).toEqual(['Welcome', 'You are interested']);
    const groups = await expectStatus<{ items: { groupId: string; source: string }[] }>(
      await api.call('GET', `/v1/contacts/${contact.id}/groups`),
      200,
    );
    expect(groups.items).toMatchObject([{ groupId: interested.id, source: 'automation' }]);
  });

  it('stops an endless automation loop and says so in the timeline', async () => {
    const a = await group(unique('LoopA'));
    const b = await group(unique('LoopB'));
    const [ping, pong] = [unique('ping'), unique('pong')];
    await activate(`when added to "${a.name}" start sequence "${ping}" every time
      when added to "${b.name}" start sequence "${pong}" every time
      sequence "${ping}" { remove from "${a.name}" add to "${b.name}" }
      sequence "${pong}" { remove from "${b.name}" add to "${a.name}" }`);
    const contact = await person();
    await addTo(contact.id, a.id);
    const timeline = await eventually(async () => {
      const page = await expectStatus<{ items: { type: string; payload: Record<string, unknown> }[] }>(
        await api.call('GET', `/v1/contacts/${contact.id}/timeline?limit=200`),
        200,
      );
      const stop = page.items.find((item) => item.type === 'automation.loop_stopped');
      expect(stop).toBeDefined();
      return { stop: stop!, page };
    }, 30_000);
    expect(timeline.stop.payload).toMatchObject({ reason: 'depth', depth: 9, limit: 8 });
    const rows = await ended(contact.id, 8);
    expect(rows.map((row) => row.depth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps an entry on the version it started with; new entries use the newest', async () => {
    const tree = await startTree();
    const v1 = await emailTemplate('Version one');
    const v2 = await emailTemplate('Version two');
    const sequence = unique('versioned');
    const automation = await activate(`when added to ${tree.path} start sequence "${sequence}"
      sequence "${sequence}" { wait 3 minutes send email "${v1}" }`);
    const early = await person();
    await addTo(early.id, tree.greece.id);
    await eventually(async () => expect((await entries(early.id))[0]?.status).toBe('waiting'));
    await expectStatus(
      await api.call('PATCH', `/v1/automations/${automation.id}`, {
        source: `when added to ${tree.path} start sequence "${sequence}"
          sequence "${sequence}" { send email "${v2}" }`,
      }),
      200,
    );
    const second = await expectStatus<{ version: number }>(
      await api.call('POST', `/v1/automations/${automation.id}/activate`, {}),
      201,
    );
    expect(second.version).toBe(2);
    const late = await person();
    await addTo(late.id, tree.greece.id);
    await ended(late.id);
    await ended(early.id);
    expect(await subjects(early.email)).toEqual(['Version one']);
    expect(await subjects(late.email)).toEqual(['Version two']);
    const versions = await expectStatus<{ items: { version: number }[] }>(
      await api.call('GET', `/v1/automations/${automation.id}/versions`),
      200,
    );
    expect(versions.items.map((item) => item.version)).toEqual([2, 1]);

    const stats = await expectStatus<Record<string, unknown>>(
      await api.call('GET', `/v1/sequences/${encodeURIComponent(sequence)}/stats`),
      200,
    );
    expect(stats).toMatchObject({
      sequence,
      entries: { completed: 2, running: 0, waiting: 0, stopped: 0 },
      deliveries: { sent: 2, failed: 0, skipped: 0, pending: 0 },
    });
  });

  it('refuses to activate with diagnostics when a template, sequence or group is missing', async () => {
    const saved = await expectStatus<{
      id: string;
      validation: { valid: boolean; diagnostics: { message: string }[] };
    }>(
      await api.call('POST', '/v1/automations', {
        name: unique('broken'),
        source: `when added to NoSuchGroup start sequence "nowhere"
          sequence "s" { send email "no-such-template" }`,
      }),
      201,
    );
    expect(saved.validation.valid).toBe(false);
    const refused = await api.call('POST', `/v1/automations/${saved.id}/activate`, {});
    expect(refused.statusCode).toBe(422);
    const body = refused.json() as {
      error: { code: string; details: { diagnostics: { message: string }[] } };
    };
    expect(body.error.code).toBe('AUTOMATION_INVALID');
    const messages = body.error.details.diagnostics.map((d) => d.message).join('\n');
    expect(messages).toMatch(/NoSuchGroup/);
    expect(messages).toMatch(/nowhere/);
    expect(messages).toMatch(/no-such-template/);
  });

  it('answers the status query of a running follow-up directly from Temporal', async () => {
    const tree = await startTree();
    const sequence = unique('query');
    await activate(`when added to ${tree.path} start sequence "${sequence}"
      sequence "${sequence}" { wait 7 days }`);
    const contact = await person();
    await addTo(contact.id, tree.greece.id);
    const [entry] = await eventually(async () => {
      const rows = await entries(contact.id);
      expect(rows[0]?.status).toBe('waiting');
      return rows;
    });
    const status = await temporal.workflow
      .getHandle(entry!.workflowId)
      .query<FollowUpStatus>(FOLLOW_UP_QUERIES.status);
    expect(status).toMatchObject({ sequence, state: 'waiting', stepIndex: 0, stepType: 'wait' });
    await temporal.workflow.getHandle(entry!.workflowId).terminate('test cleanup');
  });
});
