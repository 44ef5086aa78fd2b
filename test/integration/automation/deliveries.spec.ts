import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EmailDeliveryService,
  LetterDeliveryService,
  LetterDownloadService,
  MailRejection,
  type SequenceDeliveryRequest,
} from '../../../libs/domain/src/index.js';
import {
  expectStatus,
  newEmailTemplate,
  openTestApi,
  publish,
  type TestApi,
  unique,
} from '../templates/template-fixtures.js';
import { isolatedNamespace, ScriptedSmtp, startWorker } from './engine-fixtures.js';

describe('sequence deliveries', () => {
  let api: TestApi;
  let smtp: ScriptedSmtp;
  let worker: INestApplicationContext;
  let email: EmailDeliveryService;
  let letters: LetterDeliveryService;
  let db: DataSource;
  let welcome: string;

  beforeAll(async () => {
    api = await openTestApi();
    smtp = new ScriptedSmtp();
    await smtp.listen();
    // A namespace of its own: this worker must not take other specs' workflow tasks.
    worker = await startWorker({
      smtpUrl: smtp.url,
      namespace: await isolatedNamespace('trellis-deliveries-spec'),
      relay: false,
    });
    email = worker.get(EmailDeliveryService);
    letters = worker.get(LetterDeliveryService);
    db = worker.get(DataSource);
    const template = await newEmailTemplate(api, { subject: 'Welcome {{contact.firstName}}' });
    await publish(api, template.id);
    welcome = template.name;
  });

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
    await smtp?.close();
  });

  async function newContact(fields: Record<string, unknown> = {}) {
    const address = `${unique('d')}@example.com`;
    const contact = await expectStatus<{ id: string; email: string }>(
      await api.call('POST', '/v1/contacts', { email: address, firstName: 'Eleni', ...fields }),
      201,
    );
    return contact;
  }

  function request(contactId: string, template = welcome): SequenceDeliveryRequest {
    const workflowId = `follow-up/test/${contactId}/${randomUUID()}`;
    return {
      idempotencyKey: `${workflowId}/step-0`,
      workflowId,
      contactId,
      template,
      sequence: 'Delivery spec',
      stepIndex: 0,
      automationVersionId: randomUUID(),
    };
  }

  async function row(key: string) {
    const [found] = await db.query(
      `SELECT status, attempts, message_id AS "messageId", error, template_version AS "templateVersion"
       FROM deliveries WHERE idempotency_key = $1`,
      [key],
    );
    return found as {
      status: string;
      attempts: number;
      messageId: string;
      error: string | null;
      templateVersion: number;
    };
  }

  async function timeline(contactId: string) {
    const response = await expectStatus<{ items: { type: string; payload: Record<string, unknown> }[] }>(
      await api.call('GET', `/v1/contacts/${contactId}/timeline`),
      200,
    );
    return response.items.filter((item) => item.type.startsWith('delivery.'));
  }

  it('sends once per idempotency key: a retried activity finds the delivery sent and sends nothing', async () => {
    const contact = await newContact();
    const send = request(contact.id);
    const first = await email.send(send);
    const second = await email.send(send);
    expect(first).toMatchObject({ status: 'sent' });
    expect(second).toEqual(first);
    const mails = smtp.to(contact.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Welcome Eleni');
    expect(await row(send.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 1, templateVersion: 1 });
    expect(mails[0]!.messageId).toBe((await row(send.idempotencyKey)).messageId);
    const events = await timeline(contact.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'delivery.sent',
      payload: {
        channel: 'email',
        template: welcome,
        sequence: 'Delivery spec',
        deliveryId: first.deliveryId,
      },
    });
  });

  it('sends once when two attempts with the same key run at the same moment', async () => {
    const contact = await newContact();
    const send = request(contact.id);
    const outcomes = await Promise.all([email.send(send), email.send(send), email.send(send)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent']);
    expect(smtp.to(contact.email)).toHaveLength(1);
  });

  it('checks consent at send time: an unsubscribed contact is skipped and the skip is recorded', async () => {
    const contact = await newContact({ consent: 'unsubscribed' });
    const send = request(contact.id);
    expect(await email.send(send)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(smtp.to(contact.email)).toHaveLength(0);
    expect(await row(send.idempotencyKey)).toMatchObject({ status: 'skipped' });
    expect(await timeline(contact.id)).toMatchObject([
      { type: 'delivery.skipped', payload: { reason: 'unsubscribed' } },
    ]);
  });

  it('keeps a transiently refused mail pending for the retry, which then sends it once', async () => {
    const contact = await newContact();
    const send = request(contact.id);
    smtp.answers.push({ code: 421, message: 'try again later' });
    const error = await email.send(send).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailRejection);
    expect((error as MailRejection).permanent).toBe(false);
    expect(await row(send.idempotencyKey)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await email.send(send)).toMatchObject({ status: 'sent' });
    expect(smtp.to(contact.email)).toHaveLength(1);
    expect(await row(send.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('records a permanent 5xx refusal as failed, in the timeline too, and never tries again', async () => {
    const contact = await newContact();
    const send = request(contact.id);
    smtp.answers.push({ code: 550, message: 'mailbox unavailable' });
    const failed = await email.send(send);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error).toMatch(/mailbox unavailable/);
    expect(await email.send(send)).toEqual(failed);
    expect(smtp.to(contact.email)).toHaveLength(0);
    expect(await timeline(contact.id)).toMatchObject([{ type: 'delivery.failed' }]);
  });

  it('fails permanently when the template is missing, without contacting SMTP', async () => {
    const contact = await newContact();
    const outcome = await email.send(request(contact.id, unique('missing')));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.error).toMatch(/no template named/);
  });

  it('skips, and records nothing, for a contact erased before the step ran', async () => {
    const contact = await newContact();
    await expectStatus(await api.call('DELETE', `/v1/contacts/${contact.id}`), 204);
    expect(await email.send(request(contact.id))).toEqual({ status: 'skipped', reason: 'contactDeleted' });
  });

  it('prints a letter to PDF once and keeps it for download', async () => {
    const contact = await newContact({
      street: 'Odos 1',
      postalCode: '10552',
      city: 'Athina',
      country: 'GR',
    });
    const template = await expectStatus<{ id: string; name: string }>(
      await api.call('POST', '/v1/templates', {
        name: unique('letter'),
        kind: 'letter',
        subject: 'Your brochure',
        body: '<p>Dear {{contact.firstName}}, here is your brochure.</p>',
      }),
      201,
    );
    await publish(api, template.id);
    const send = request(contact.id, template.name);
    const printed = await letters.send(send);
    expect(printed).toMatchObject({ status: 'sent' });
    expect(await letters.send(send)).toEqual(printed);
    const download = await worker.get(LetterDownloadService).letter(printed.deliveryId!);
    expect(download.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await timeline(contact.id)).toMatchObject([
      {
        type: 'delivery.sent',
        payload: { channel: 'letter', download: `/v1/letters/${printed.deliveryId}` },
      },
    ]);
  });
});
