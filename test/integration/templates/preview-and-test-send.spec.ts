import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MailCatcher } from '../../../libs/platform/src/index.js';
import {
  emailBody,
  expectStatus,
  newContact,
  newEmailTemplate,
  newField,
  openTestApi,
  publish,
  unique,
  type TestApi,
} from './template-fixtures.js';

interface Preview {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  version: number | null;
}

describe('template preview and test send', () => {
  let api: TestApi;
  let catcher: MailCatcher;

  beforeAll(async () => {
    catcher = new MailCatcher();
    await catcher.listen(0);
    api = await openTestApi({ mailCatcher: catcher });
  });

  afterAll(async () => {
    await api.app.close();
    await catcher.close();
  });

  const preview = async (templateId: string, body: unknown = {}) =>
    expectStatus<Preview>(await api.call('POST', `/v1/templates/${templateId}/preview`, body), 200);

  describe('preview', () => {
    it('renders the draft for a stored contact with groups, tags, custom values and responsible user', async () => {
      const website = await newField(api);
      const user = await expectStatus<{ id: string }>(
        await api.call('POST', '/v1/users', {
          name: 'Travel desk Greece',
          email: `${unique('desk')}@example.org`,
        }),
        201,
      );
      const contact = await newContact(api, {
        firstName: 'Erika',
        lastName: 'Mustermann',
        groups: ['Greece'],
        tags: ['summer'],
        custom: { [website]: 'https://example.org/erika' },
        responsibleUserId: user.id,
      });
      const template = await newEmailTemplate(api, {
        subject: 'Offers for {{contact.firstName}}',
        preheader: 'Islands for {{contact.firstName}}',
        body: emailBody(`<mj-text>Dear {{contact.firstName}} {{contact.lastName}},
          <a href="{{contact.custom.${website}}}">your site</a>
          groups: {{#each contact.groups}}[{{this}}]{{/each}}
          tags: {{#each contact.tags}}[{{this}}]{{/each}}
          desk: {{responsibleUser.name}}</mj-text>
          <mj-raw><div style="display:none">{{message.preheader}}</div></mj-raw>`),
      });
      const rendered = await preview(template.id, { contactId: contact.id });
      expect(rendered).toMatchObject({
        subject: 'Offers for Erika',
        preheader: 'Islands for Erika',
        version: null,
      });
      expect(rendered.html).toContain('Dear Erika Mustermann');
      expect(rendered.html).toContain('href="https://example.org/erika"');
      expect(rendered.html).toMatch(/groups: \[Travel-[0-9a-f]+\/Greece\]/);
      expect(rendered.html).toContain('tags: [summer]');
      expect(rendered.html).toContain('desk: Travel desk Greece');
      expect(rendered.text).toContain('Dear Erika Mustermann');
    });

    it('escapes hostile contact data: no script, no javascript: link', async () => {
      const website = await newField(api);
      const contact = await newContact(api, {
        firstName: '<script>alert(1)</script>',
        lastName: '"><img src=x onerror=alert(2)>',
        custom: { [website]: 'javascript:alert(3)' },
      });
      const template = await newEmailTemplate(api, {
        subject: 'Hi {{contact.firstName}}',
        body: emailBody(
          `<mj-text>Hi {{contact.firstName}} <span title="{{contact.lastName}}">x</span> <a href="{{contact.custom.${website}}}">site</a></mj-text>
          <mj-button href="{{contact.custom.${website}}}">Visit</mj-button>`,
        ),
      });
      const rendered = await preview(template.id, { contactId: contact.id });
      expect(rendered.html).not.toContain('<script>alert');
      expect(rendered.html).not.toContain('<img src=x');
      expect(rendered.html).not.toMatch(/javascript:/i);
      expect(rendered.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(rendered.html).toContain('title="&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;"');
      expect(rendered.html).toContain('<a href="">site</a>');
      // The subject is plain text, not HTML: it keeps the characters as they are.
      expect(rendered.subject).toBe('Hi <script>alert(1)</script>');
    });

    it('renders given data, or the sample contact when none is given', async () => {
      const template = await newEmailTemplate(api, { subject: 'Hi {{default contact.firstName "there"}}' });
      expect(
        (await preview(template.id, { data: { contact: { firstName: 'Ann', shoeSize: 44 } } })).subject,
      ).toBe('Hi Ann');
      expect((await preview(template.id, { data: {} })).subject).toBe('Hi there');
      expect((await preview(template.id)).subject).toBe('Hi Erika');
    });

    it('renders a published version when asked, the draft otherwise', async () => {
      const template = await newEmailTemplate(api, { subject: 'Published subject' });
      await publish(api, template.id);
      await expectStatus(
        await api.call('PATCH', `/v1/templates/${template.id}`, { subject: 'Draft subject' }),
        200,
      );
      expect(await preview(template.id)).toMatchObject({ subject: 'Draft subject', version: null });
      expect(await preview(template.id, { version: 1 })).toMatchObject({
        subject: 'Published subject',
        version: 1,
      });
      const missing = await api.call('POST', `/v1/templates/${template.id}/preview`, { version: 2 });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('TEMPLATE_VERSION_NOT_FOUND');
    });

    it('refuses contactId with data, an unknown contact, and malformed input', async () => {
      const template = await newEmailTemplate(api);
      const both = await api.call('POST', `/v1/templates/${template.id}/preview`, {
        contactId: '00000000-0000-4000-8000-000000000000',
        data: {},
      });
      expect(both.statusCode).toBe(400);
      expect(both.json().error.code).toBe('VALIDATION_FAILED');
      const unknown = await api.call('POST', `/v1/templates/${template.id}/preview`, {
        contactId: '00000000-0000-4000-8000-000000000000',
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('CONTACT_NOT_FOUND');
      const malformed = await api.call('POST', `/v1/templates/${template.id}/preview`, {
        contactId: 'x',
        data: 'y',
        version: 0,
      });
      expect(malformed.statusCode).toBe(400);
      const fields = malformed.json().error.details.fields.map((entry: { field: string }) => entry.field);
      expect(new Set(fields)).toEqual(new Set(['contactId', 'data', 'version']));
    });
  });

  describe('test send', () => {
    it('sends the draft through SMTP; it arrives at the mail catcher with List-Unsubscribe headers', async () => {
      const template = await newEmailTemplate(api, {
        subject: 'Test of {{contact.firstName}}',
        body: emailBody('<mj-text>Hello {{contact.firstName}} from the test send</mj-text>'),
      });
      const to = `${unique('editor')}@example.com`;
      const sent = await expectStatus<{ messageId: string; subject: string; version: number | null }>(
        await api.call('POST', `/v1/templates/${template.id}/test-send`, { to }),
        200,
      );
      expect(sent).toMatchObject({ subject: 'Test of Erika', version: null });

      const mail = mailTo(catcher, to);
      expect(mail.subject).toBe('Test of Erika');
      expect(mail.html).toContain('Hello Erika from the test send');
      expect(mail.text).toContain('Hello Erika from the test send');
      expect(mail.from).toContain('no-reply@trellis.local');
      expect(mail.headers['message-id']).toBe(sent.messageId);
      expect(mail.headers['list-unsubscribe']).toContain('<https://unsubscribe.trellis.invalid/preview>');
      expect(mail.headers['list-unsubscribe']).toContain('<mailto:unsubscribe@trellis.invalid>');
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(mail.headers['x-trellis-test-send']).toContain(template.name);
    });

    it('sends a published version for a stored contact', async () => {
      const contact = await newContact(api, { firstName: 'Jörg' });
      const template = await newEmailTemplate(api, { subject: 'Version one for {{contact.firstName}}' });
      await publish(api, template.id);
      await expectStatus(await api.call('PATCH', `/v1/templates/${template.id}`, { subject: 'Draft' }), 200);
      const to = `${unique('editor')}@example.com`;
      const sent = await expectStatus(
        await api.call('POST', `/v1/templates/${template.id}/test-send`, {
          to,
          version: 1,
          contactId: contact.id,
        }),
        200,
      );
      expect(sent).toMatchObject({ subject: 'Version one for Jörg', version: 1 });
      expect(mailTo(catcher, to).subject).toBe('Version one for Jörg');
    });

    it('refuses letters, bad addresses, and answers 503 without an SMTP server', async () => {
      const letter = await expectStatus<{ id: string }>(
        await api.call('POST', '/v1/templates', {
          name: unique('letter'),
          kind: 'letter',
          subject: 'x',
          body: '<p>x</p>',
        }),
        201,
      );
      const toLetter = await api.call('POST', `/v1/templates/${letter.id}/test-send`, {
        to: 'a@example.com',
      });
      expect(toLetter.statusCode).toBe(422);
      expect(toLetter.json().error.code).toBe('TEMPLATE_KIND_MISMATCH');

      const template = await newEmailTemplate(api);
      const badAddress = await api.call('POST', `/v1/templates/${template.id}/test-send`, {
        to: 'not an address',
      });
      expect(badAddress.statusCode).toBe(400);
      expect(badAddress.json().error.code).toBe('VALIDATION_FAILED');

      const withoutSmtp = await openTestApi();
      try {
        const response = await withoutSmtp.call('POST', `/v1/templates/${template.id}/test-send`, {
          to: 'a@example.com',
        });
        expect(response.statusCode).toBe(503);
        expect(response.json().error.code).toBe('MAIL_TRANSPORT_UNAVAILABLE');
      } finally {
        await withoutSmtp.app.close();
      }
    });
  });
});

/** The catcher keeps a mail before it acknowledges it, so it is there once the API has answered. */
function mailTo(catcher: MailCatcher, to: string) {
  const mail = catcher.list().find((candidate) => candidate.to.includes(to));
  if (!mail) throw new Error(`no mail to ${to} arrived`);
  return mail;
}
