import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { ScheduledMailingSync } from '../../../apps/worker/src/relay/scheduled-mailing.sync.js';
import { SCHEDULED_MAILING_PREFIX } from '../../../libs/domain/src/index.js';
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

// `every … send … to …` statements on real PostgreSQL and the Temporal dev server:
// activating an automation makes Temporal schedules, each firing mails the audience
// as it is then, once per contact, and deactivating removes the schedules.
describe('scheduled mailings', () => {
  let api: TestApi;
  let smtp: ScriptedSmtp;
  let worker: INestApplicationContext;
  let sync: ScheduledMailingSync;
  let temporal: Client;
  let db: DataSource;
  const activated: string[] = [];

  beforeAll(async () => {
    const namespace = await isolatedNamespace('trellis-scheduled-mailings-spec');
    smtp = new ScriptedSmtp();
    await smtp.listen();
    api = await openTestApi({ temporalNamespace: namespace, temporalUiUrl: 'http://127.0.0.1:8233' });
    // Without the relay's loops: the spec runs each sync itself.
    worker = await startWorker({ smtpUrl: smtp.url, namespace, relay: false });
    sync = worker.get(ScheduledMailingSync);
    db = worker.get(DataSource);
    temporal = new Client({
      connection: await Connection.connect({ address: testTemporalAddress() }),
      namespace,
    });
  });

  afterEach(async () => {
    // Active automations with schedules would make other specs' workers schedule them too.
    for (const id of activated.splice(0)) await api.call('POST', `/v1/automations/${id}/deactivate`);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
    await smtp?.close();
    await temporal?.connection.close();
  });

  async function template(subject: string): Promise<string> {
    const created = await newEmailTemplate(api, {
      name: unique('weekly'),
      subject,
      body: emailBody('<mj-text>Hello {{contact.firstName}}</mj-text>'),
    });
    await publish(api, created.id);
    return created.name;
  }

  async function save(source: string): Promise<string> {
    const saved = await expectStatus<{ id: string; validation: { valid: boolean; diagnostics: unknown[] } }>(
      await api.call('POST', '/v1/automations', { name: unique('mailing'), source }),
      201,
    );
    // Warnings (a tag no contact has yet) do not stop a save.
    expect(saved.validation.valid).toBe(true);
    return saved.id;
  }

  async function activate(id: string): Promise<string> {
    const version = await expectStatus<{ id: string }>(
      await api.call('POST', `/v1/automations/${id}/activate`),
      201,
    );
    if (!activated.includes(id)) activated.push(id);
    return version.id;
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

  async function tag(contactId: string, name: string) {
    await expectStatus(
      await api.call('PUT', `/v1/contacts/${contactId}/tags/${encodeURIComponent(name)}`),
      200,
    );
  }

  async function schedulesOf(versionId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const schedule of temporal.schedule.list()) {
      if (schedule.scheduleId.startsWith(`${SCHEDULED_MAILING_PREFIX}${versionId}/`))
        ids.push(schedule.scheduleId);
    }
    return ids;
  }

  /** Fires a schedule now and waits for its mailing to finish; the deliveries it recorded. */
  async function fire(scheduleId: string) {
    const before = new Set(
      (
        (await db.query(`SELECT DISTINCT workflow_id AS id FROM deliveries WHERE workflow_id LIKE $1`, [
          `${scheduleId}%`,
        ])) as { id: string }[]
      ).map((row) => row.id),
    );
    // The schedule learns late that its last run ended; its SKIP policy would drop this firing meanwhile.
    await temporal.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const run = await eventually(async () => {
      const { info } = await temporal.schedule.getHandle(scheduleId).describe();
      const latest = info.recentActions.at(-1)?.action.workflow.workflowId;
      expect(latest).toBeDefined();
      expect(before.has(latest!)).toBe(false);
      return latest!;
    });
    const result = await temporal.workflow.getHandle(run).result();
    const rows = (await db.query(
      `SELECT contact_id AS "contactId", status, error FROM deliveries WHERE workflow_id = $1 ORDER BY contact_id`,
      [run],
    )) as { contactId: string; status: string; error: string | null }[];
    return { run, result, rows };
  }

  it('turns an activated statement into a Temporal schedule in its zone and mails the tagged, consenting contacts once per firing', async () => {
    const vip = unique('vip');
    const subject = unique('Weekly offers');
    const name = await template(subject);
    const id = await save(`every monday at 09:00 Europe/Berlin send email "${name}" to tagged "${vip}"`);
    const versionId = await activate(id);
    const [subscribed, unsubscribed, untagged] = [
      await person(),
      await person({ consent: 'unsubscribed' }),
      await person(),
    ];
    await tag(subscribed.id, vip);
    await tag(unsubscribed.id, vip);

    const listed = async () =>
      (
        await expectStatus<{ items: Record<string, unknown>[] }>(
          await api.call('GET', `/v1/automations/${id}/schedules`),
          200,
        )
      ).items;
    expect(await listed()).toEqual([
      expect.objectContaining({
        state: 'pending',
        weekday: 'monday',
        time: '09:00',
        timeZone: 'Europe/Berlin',
      }),
    ]);

    const { created } = await sync.sync();
    const scheduleId = `${SCHEDULED_MAILING_PREFIX}${versionId}/0/Europe/Berlin`;
    expect(created).toContain(scheduleId);
    const description = await temporal.schedule.getHandle(scheduleId).describe();
    expect(description.spec.calendars).toEqual([
      expect.objectContaining({
        dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }],
        hour: [{ start: 9, end: 9, step: 1 }],
      }),
    ]);
    expect(description.spec.timezone).toBe('Europe/Berlin');
    // Monday 09:00 in Berlin is 07:00 or 08:00 UTC, depending on summer time.
    const next = description.info.nextActionTimes[0]!;
    expect(next.getUTCDay()).toBe(1);
    expect([7, 8]).toContain(next.getUTCHours());

    const first = await fire(scheduleId);
    expect(first.result).toEqual({ sent: 1, skipped: 1, failed: 0 });
    expect(first.rows).toEqual(
      [
        { contactId: subscribed.id, status: 'sent', error: null },
        { contactId: unsubscribed.id, status: 'skipped', error: 'unsubscribed' },
      ].sort((a, b) => a.contactId.localeCompare(b.contactId)),
    );
    expect(smtp.to(subscribed.email).map((mail) => mail.subject)).toEqual([subject]);
    expect(smtp.to(unsubscribed.email)).toEqual([]);
    expect(smtp.to(untagged.email)).toEqual([]);

    // The next firing is a new mailing: everyone in the audience gets it again. Firings are
    // told apart by the second they happen in (Temporal puts it into the workflow id).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await fire(scheduleId);
    expect(second.run).not.toBe(first.run);
    expect(second.result).toEqual({ sent: 1, skipped: 1, failed: 0 });
    expect(smtp.to(subscribed.email).map((mail) => mail.subject)).toEqual([subject, subject]);

    const [shown] = await listed();
    expect(shown).toMatchObject({
      scheduleId,
      automationVersionId: versionId,
      index: 0,
      channel: 'email',
      template: name,
      selection: null,
      state: 'scheduled',
      nextRunsAt: [next.toISOString(), expect.any(String), expect.any(String)],
      temporalUiUrl: expect.stringContaining(`/schedules/${encodeURIComponent(scheduleId)}`),
    });
    expect((shown!['recentFirings'] as { workflowId: string }[]).map((firing) => firing.workflowId)).toEqual([
      second.run,
      first.run,
    ]);

    // A second sync changes nothing: the schedule is there already.
    expect(await sync.sync()).toMatchObject({ created: [] });
    expect(await schedulesOf(versionId)).toEqual([scheduleId]);
  });

  it('mails a saved selection as it reads when the schedule fires, not when it was activated', async () => {
    const [before, after] = [unique('before'), unique('after')];
    const selectionName = unique('Weekly audience');
    const selection = await expectStatus<{ id: string }>(
      await api.call('POST', '/v1/selections', {
        source: `selection "${selectionName}" = tagged "${before}"`,
      }),
      201,
    );
    const subject = unique('Digest');
    const name = await template(subject);
    const versionId = await activate(
      await save(`every day at 18:30 UTC send email "${name}" to selection "${selectionName}"`),
    );
    const [old, current] = [await person(), await person()];
    await tag(old.id, before);
    await tag(current.id, after);
    await expectStatus(
      await api.call('PATCH', `/v1/selections/${selection.id}`, {
        source: `selection "${selectionName}" = tagged "${after}"`,
      }),
      200,
    );

    await sync.sync();
    const scheduleId = `${SCHEDULED_MAILING_PREFIX}${versionId}/0/UTC`;
    const description = await temporal.schedule.getHandle(scheduleId).describe();
    expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 18, end: 18, step: 1 }] });
    const fired = await fire(scheduleId);

    expect(fired.result).toEqual({ sent: 1, skipped: 0, failed: 0 });
    expect(smtp.to(current.email).map((mail) => mail.subject)).toEqual([subject]);
    expect(smtp.to(old.email)).toEqual([]);
  });

  it('removes the schedules of a deactivated version, and replaces them when another version is activated', async () => {
    const name = await template(unique('Monthly'));
    const id = await save(`every friday at 07:15 UTC send email "${name}" to subscribed`);
    const first = await activate(id);
    await sync.sync();
    await eventually(async () => expect(await schedulesOf(first)).toHaveLength(1));

    await expectStatus(
      await api.call('PATCH', `/v1/automations/${id}`, {
        source: `every saturday at 07:15 UTC send email "${name}" to subscribed`,
      }),
      200,
    );
    const second = await activate(id);
    const replaced = await sync.sync();
    expect(replaced.created).toEqual([`${SCHEDULED_MAILING_PREFIX}${second}/0/UTC`]);
    expect(replaced.deleted).toContain(`${SCHEDULED_MAILING_PREFIX}${first}/0/UTC`);

    await expectStatus(await api.call('POST', `/v1/automations/${id}/deactivate`), 200);
    expect(await expectStatus(await api.call('GET', `/v1/automations/${id}/schedules`), 200)).toEqual({
      items: [],
    });
    const removed = await sync.sync();
    expect(removed.deleted).toContain(`${SCHEDULED_MAILING_PREFIX}${second}/0/UTC`);
    await eventually(async () => expect(await schedulesOf(second)).toEqual([]));
  });

  it('answers 404 for the schedules of an unknown automation', async () => {
    const body = await expectStatus(
      await api.call('GET', '/v1/automations/00000000-0000-4000-8000-000000000000/schedules'),
      404,
    );
    expect(body).toMatchObject({ error: { code: 'AUTOMATION_NOT_FOUND' } });
  });
});
