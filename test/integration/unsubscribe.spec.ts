import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import {
  EmailDeliveryService,
  LinkSecretService,
  signUnsubscribeToken,
  type SequenceDeliveryRequest,
} from '../../libs/domain/src/index.js';
import { DEFAULT_PUBLIC_URL } from '../../libs/platform/src/index.js';
import {
  isolatedNamespace,
  type ReceivedMail,
  ScriptedSmtp,
  startWorker,
} from './automation/engine-fixtures.js';
import {
  type ContactJson,
  expectError,
  newPerson,
  openTestApi,
  type TestApi,
  timelineOf,
} from './contacts/crm-factories.js';
import { newEmailTemplate, publish } from './templates/template-fixtures.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const JSON_ONLY = { accept: 'application/json' };
const ONE_CLICK_FORM = {
  ...JSON_ONLY,
  'content-type': 'application/x-www-form-urlencoded',
};
const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

/** The https (here: local http) target of the List-Unsubscribe header, as mail clients read it. */
function listUnsubscribeUrl(mail: ReceivedMail): string {
  const list = mail.headers.get('list') as { unsubscribe?: { url?: string } } | undefined;
  const url = list?.unsubscribe?.url;
  if (!url) throw new Error(`no List-Unsubscribe URL in ${JSON.stringify([...mail.headers.keys()])}`);
  return url;
}

describe('unsubscribe links', () => {
  let api: TestApi;
  let smtp: ScriptedSmtp;
  let worker: INestApplicationContext;
  let template: string;

  beforeAll(async () => {
    api = await openTestApi();
    smtp = new ScriptedSmtp();
    await smtp.listen();
    // Its own namespace: this worker must not take other specs' workflow tasks.
    worker = await startWorker({
      smtpUrl: smtp.url,
      namespace: await isolatedNamespace('trellis-unsubscribe-spec'),
      relay: false,
    });
    const created = await newEmailTemplate(api, { subject: 'News for {{contact.firstName}}' });
    await publish(api, created.id);
    template = created.name;
  });

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
    await smtp?.close();
  });

  function send(contactId: string) {
    const workflowId = `follow-up/unsubscribe-spec/${contactId}/${randomUUID()}`;
    const request: SequenceDeliveryRequest = {
      idempotencyKey: `${workflowId}/step-0`,
      workflowId,
      contactId,
      template,
      sequence: 'Unsubscribe spec',
      stepIndex: 0,
      automationVersionId: randomUUID(),
    };
    return worker.get(EmailDeliveryService).send(request);
  }

  /** The path of the link a sequence email carries for this contact, as the worker signed it. */
  async function linkOf(contact: ContactJson): Promise<string> {
    expect(await send(contact.id)).toMatchObject({ status: 'sent' });
    const [mail] = smtp.to(contact.email!);
    const url = listUnsubscribeUrl(mail!);
    expect(url.startsWith(`${DEFAULT_PUBLIC_URL}/u/u1.`)).toBe(true);
    return new URL(url).pathname;
  }

  async function consentOf(contactId: string): Promise<string> {
    return (await api.call('GET', `/v1/contacts/${contactId}`)).json().consent;
  }

  it('puts a per-contact link in every sequence email, whose page asks before it changes anything', async () => {
    const contact = await newPerson(api, { consent: 'subscribed' });
    const link = await linkOf(contact);

    const page = await api.call('GET', link, undefined, HTML);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('<form method="post">');
    expect(page.body).toContain('name="List-Unsubscribe" value="One-Click"');
    const json = await api.call('GET', link, undefined, JSON_ONLY);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ unsubscribed: false });

    expect(await consentOf(contact.id)).toBe('subscribed');
    expect((await timelineOf(api, contact.id)).map((event) => event.type)).not.toContain('contact.updated');
  });

  it('unsubscribes on the one-click POST through the contact change path, and a second POST changes nothing', async () => {
    const contact = await newPerson(api, { consent: 'subscribed' });
    const link = await linkOf(contact);

    const first = await api.call('POST', link, ONE_CLICK_BODY, ONE_CLICK_FORM);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ unsubscribed: true });
    expect(await consentOf(contact.id)).toBe('unsubscribed');
    const updates = async () =>
      (await timelineOf(api, contact.id)).filter((event) => event.type === 'contact.updated');
    expect(await updates()).toEqual([
      expect.objectContaining({
        actor: 'unsubscribe-link',
        payload: { changes: { consent: { from: 'subscribed', to: 'unsubscribed' } } },
      }),
    ]);

    const again = await api.call('POST', link, ONE_CLICK_BODY, ONE_CLICK_FORM);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ unsubscribed: true });
    expect(await updates()).toHaveLength(1);

    // The page now says so, and the next send is skipped at send time.
    expect((await api.call('GET', link, undefined, JSON_ONLY)).json()).toEqual({ unsubscribed: true });
    expect((await api.call('GET', link, undefined, HTML)).body).toContain('You are unsubscribed');
    expect(await send(contact.id)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
  });

  it("takes the one-click POST as multipart/form-data too, and the page's button answers with a page", async () => {
    const contact = await newPerson(api, { consent: 'subscribed' });
    const link = await linkOf(contact);
    const boundary = 'trellis-spec-boundary';
    const multipart = await api.call(
      'POST',
      link,
      `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      { ...JSON_ONLY, 'content-type': `multipart/form-data; boundary=${boundary}` },
    );
    expect(multipart.statusCode).toBe(200);
    expect(await consentOf(contact.id)).toBe('unsubscribed');

    const button = await api.call('POST', link, ONE_CLICK_BODY, {
      ...HTML,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(button.statusCode).toBe(200);
    expect(button.headers['content-type']).toContain('text/html');
    expect(button.body).toContain('You are unsubscribed');
  });

  it('refuses forged and altered links with UNSUBSCRIBE_LINK_INVALID and changes nothing', async () => {
    const contact = await newPerson(api, { consent: 'subscribed' });
    const link = await linkOf(contact);
    const token = link.slice('/u/'.length);
    const lastMacChar = token.at(-2) === 'A' ? 'B' : 'A';
    const forged = [
      'nonsense',
      `${token.slice(0, -2)}${lastMacChar}${token.at(-1)}`,
      signUnsubscribeToken(randomBytes(32), contact.id),
      signUnsubscribeToken(randomBytes(32), randomUUID()),
    ];
    for (const bad of forged) {
      const post = await api.call('POST', `/u/${bad}`, ONE_CLICK_BODY, ONE_CLICK_FORM);
      const error = expectError(post, 400, 'UNSUBSCRIBE_LINK_INVALID');
      expect(error.message).not.toContain(bad);
      expectError(await api.call('GET', `/u/${bad}`, undefined, JSON_ONLY), 400, 'UNSUBSCRIBE_LINK_INVALID');
    }
    const page = await api.call('GET', `/u/${forged[1]}`, undefined, HTML);
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('UNSUBSCRIBE_LINK_INVALID');
    expect(await consentOf(contact.id)).toBe('subscribed');
  });

  it('answers the link of an erased contact with 410 UNSUBSCRIBE_CONTACT_GONE, as JSON or as a page', async () => {
    const contact = await newPerson(api, { consent: 'subscribed' });
    const link = await linkOf(contact);
    expect((await api.call('DELETE', `/v1/contacts/${contact.id}`)).statusCode).toBe(204);

    expectError(await api.call('GET', link, undefined, JSON_ONLY), 410, 'UNSUBSCRIBE_CONTACT_GONE');
    expectError(
      await api.call('POST', link, ONE_CLICK_BODY, ONE_CLICK_FORM),
      410,
      'UNSUBSCRIBE_CONTACT_GONE',
    );
    const page = await api.call('POST', link, ONE_CLICK_BODY, {
      ...HTML,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('erased');
  });

  it('signs with one secret that every process reads from the database', async () => {
    const fromApi = await api.app.get(LinkSecretService).secret();
    expect(await worker.get(LinkSecretService).secret()).toEqual(fromApi);
    expect(fromApi.length).toBe(32);
  });

  it('keeps refusing multipart bodies on every other route', async () => {
    const response = await api.call('POST', '/v1/contacts', '--x\r\n--x--\r\n', {
      authorization: api.authorization,
      'content-type': 'multipart/form-data; boundary=x',
    });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('is documented in OpenAPI as a public GET page and a one-click POST', async () => {
    const document = (await api.call('GET', '/openapi.json')).json();
    const operations = document.paths['/u/{token}'];
    expect(Object.keys(operations).sort()).toEqual(['get', 'post']);
    for (const operation of Object.values<{ security?: unknown[]; responses: object }>(operations)) {
      expect(operation.security).toBeUndefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '410']));
    }
    expect(document.components.schemas.UnsubscribeStatusDto.properties.unsubscribed.description).toEqual(
      expect.any(String),
    );
  });
});
