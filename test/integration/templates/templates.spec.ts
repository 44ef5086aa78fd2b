import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompiledTemplateService, TemplateError } from '../../../libs/domain/src/index.js';
import {
  emailBody,
  expectStatus,
  newEmailTemplate,
  newField,
  openTestApi,
  publish,
  unique,
  type TestApi,
} from './template-fixtures.js';

interface Diagnostic {
  code: string;
  source: string;
  line: number;
  column: number;
  message: string;
}

describe('templates', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi();
  });

  afterAll(async () => {
    await api.app.close();
  });

  /** Creates an email with this body and returns the 400 answer's first diagnostic. */
  async function refused(body: string, subject = 'Hi'): Promise<Diagnostic> {
    const response = await api.call('POST', '/v1/templates', {
      name: unique('bad'),
      kind: 'email',
      subject,
      body,
    });
    const { error } = await expectStatus<{ error: { code: string; details: { diagnostics: Diagnostic[] } } }>(
      response,
      400,
    );
    expect(error.code).toBe('TEMPLATE_INVALID');
    return error.details.diagnostics[0]!;
  }

  describe('create, read, list, update, delete', () => {
    it('creates an email template with its draft and reads it back', async () => {
      const name = unique('welcome');
      const created = await expectStatus<Record<string, unknown>>(
        await api.call('POST', '/v1/templates', {
          name,
          kind: 'email',
          description: 'First mail after sign-up',
          subject: 'Welcome, {{default contact.firstName "traveller"}}',
          preheader: 'Offers inside',
          body: emailBody('<mj-text>Hello {{contact.firstName}}</mj-text>'),
        }),
        201,
      );
      expect(created).toMatchObject({
        name,
        kind: 'email',
        description: 'First mail after sign-up',
        preheader: 'Offers inside',
        format: null,
        latestVersion: null,
      });
      // The body never shows the preheader: a warning, not an error.
      expect(created['warnings']).toEqual([
        expect.objectContaining({ code: 'UNUSED_PREHEADER', severity: 'warning' }),
      ]);

      const read = await expectStatus(await api.call('GET', `/v1/templates/${created['id']}`), 200);
      expect(read).toMatchObject({
        id: created['id'],
        name,
        subject: 'Welcome, {{default contact.firstName "traveller"}}',
      });
    });

    it('creates a letter with A4 as the default format and refuses email-only fields on it', async () => {
      const letter = await expectStatus(
        await api.call('POST', '/v1/templates', {
          name: unique('letter'),
          kind: 'letter',
          subject: 'Our offer',
          body: '<p>Dear {{contact.lastName}}</p>',
        }),
        201,
      );
      expect(letter).toMatchObject({ kind: 'letter', format: 'A4', preheader: '' });
      const withPreheader = await api.call('PATCH', `/v1/templates/${letter['id']}`, { preheader: 'x' });
      expect(withPreheader.statusCode).toBe(422);
      expect(withPreheader.json().error).toMatchObject({
        code: 'TEMPLATE_KIND_MISMATCH',
        details: { field: 'preheader' },
      });
    });

    it('lists templates by name with cursors and filters by kind', async () => {
      const prefix = unique('list');
      for (const suffix of ['c', 'a', 'b']) await newEmailTemplate(api, { name: `${prefix}-${suffix}` });
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: { items: { name: string; kind: string }[]; nextCursor: string | null } =
          await expectStatus(await api.call('GET', `/v1/templates?kind=email&limit=2${query}`), 200);
        expect(page.items.every((item) => item.kind === 'email')).toBe(true);
        names.push(...page.items.map((item) => item.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(names.filter((name) => name.startsWith(prefix))).toEqual([
        `${prefix}-a`,
        `${prefix}-b`,
        `${prefix}-c`,
      ]);
      const sorted = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      expect(names).toEqual(sorted);
    });

    it('changes the draft, checking it again', async () => {
      const template = await newEmailTemplate(api);
      const changed = await api.call('PATCH', `/v1/templates/${template.id}`, { subject: 'New subject' });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ subject: 'New subject' });

      const broken = await api.call('PATCH', `/v1/templates/${template.id}`, {
        subject: 'Hi {{contact.nickname}}',
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json().error.details.diagnostics[0]).toMatchObject({
        code: 'UNKNOWN_VARIABLE',
        source: 'subject',
        line: 1,
        column: 6,
      });
      const unchanged = await expectStatus(await api.call('GET', `/v1/templates/${template.id}`), 200);
      expect(unchanged['subject']).toBe('New subject');
    });

    it('refuses a second template of the same name, ignoring case, with 409 TEMPLATE_NAME_TAKEN', async () => {
      const template = await newEmailTemplate(api);
      const again = await api.call('POST', '/v1/templates', {
        name: template.name.toUpperCase(),
        kind: 'email',
        subject: 'x',
        body: emailBody('<mj-text>x</mj-text>'),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toMatchObject({ code: 'TEMPLATE_NAME_TAKEN', details: { field: 'name' } });
    });

    it('deletes a template: it is gone, its name is free again', async () => {
      const template = await newEmailTemplate(api);
      await publish(api, template.id);
      expect((await api.call('DELETE', `/v1/templates/${template.id}`)).statusCode).toBe(204);
      expect((await api.call('GET', `/v1/templates/${template.id}`)).statusCode).toBe(404);
      expect((await api.call('DELETE', `/v1/templates/${template.id}`)).statusCode).toBe(404);
      await newEmailTemplate(api, { name: template.name });
    });

    it('answers 404 TEMPLATE_NOT_FOUND for an unknown template and 400 for a malformed id', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const [method, url] of [
        ['GET', `/v1/templates/${missing}`],
        ['PATCH', `/v1/templates/${missing}`],
        ['POST', `/v1/templates/${missing}/publish`],
        ['GET', `/v1/templates/${missing}/versions`],
        ['POST', `/v1/templates/${missing}/preview`],
      ] as const) {
        const response = await api.call(method, url, method === 'GET' ? undefined : {});
        expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({
          url,
          status: 404,
          code: 'TEMPLATE_NOT_FOUND',
        });
      }
      const malformed = await api.call('GET', '/v1/templates/not-a-uuid');
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
    });

    it('refuses bad input with 400 VALIDATION_FAILED naming each field', async () => {
      const response = await api.call('POST', '/v1/templates', {
        name: ' ',
        kind: 'fax',
        body: 42,
        colour: 'red',
      });
      expect(response.statusCode).toBe(400);
      const fields = response.json().error.details.fields.map((entry: { field: string }) => entry.field);
      expect(new Set(fields)).toEqual(new Set(['name', 'kind', 'subject', 'body', 'colour']));
    });
  });

  describe('checked at save time, with line and column', () => {
    it('an unknown variable', async () => {
      expect(await refused(emailBody('<mj-text>Hi {{contact.nickname}}</mj-text>'))).toMatchObject({
        code: 'UNKNOWN_VARIABLE',
        source: 'body',
        line: 5,
        column: 23,
      });
    });

    it('a custom field that exists is known, one that does not is not', async () => {
      const key = await newField(api);
      await newEmailTemplate(api, { body: emailBody(`<mj-text>{{contact.custom.${key}}}</mj-text>`) });
      expect(await refused(emailBody(`<mj-text>{{contact.custom.${key}x}}</mj-text>`))).toMatchObject({
        code: 'UNKNOWN_VARIABLE',
        line: 5,
      });
    });

    it('an unknown helper', async () => {
      expect(await refused(emailBody('<mj-text>{{shout contact.firstName}}</mj-text>'))).toMatchObject({
        code: 'UNKNOWN_HELPER',
        line: 5,
        column: 20,
      });
    });

    it('invalid MJML, strictly', async () => {
      const body = `<mjml>
  <mj-body>
    <mj-section>
      <mj-text>Text straight in a section</mj-text>
      <mj-column><mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text></mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
      expect(await refused(body)).toMatchObject({ code: 'INVALID_MJML', line: 4, column: 7 });
    });

    it('triple-stash output', async () => {
      expect(await refused(emailBody('<mj-text>{{{contact.firstName}}}</mj-text>'))).toMatchObject({
        code: 'RAW_OUTPUT',
        line: 5,
        column: 18,
      });
    });

    it('a value that could choose or follow a script scheme in a link', async () => {
      const key = await newField(api);
      expect(
        await refused(emailBody(`<mj-text><a href="java{{contact.custom.${key}}}">x</a></mj-text>`)),
      ).toMatchObject({
        code: 'UNSAFE_URL_POSITION',
        line: 5,
      });
      expect(
        await refused(emailBody(`<mj-text><a href="javascript:{{contact.custom.${key}}}">x</a></mj-text>`)),
      ).toMatchObject({ code: 'UNSAFE_URL_POSITION', line: 5 });
    });

    it('prototype access', async () => {
      expect(await refused(emailBody('<mj-text>{{contact.constructor}}</mj-text>'))).toMatchObject({
        code: 'FORBIDDEN_PROPERTY',
        line: 5,
      });
      expect(await refused(emailBody('<mj-text>{{contact.__proto__}}</mj-text>'))).toMatchObject({
        code: 'FORBIDDEN_PROPERTY',
      });
    });

    it('a missing unsubscribe link', async () => {
      const body =
        '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
      expect(await refused(body)).toMatchObject({ code: 'MISSING_UNSUBSCRIBE_LINK' });
    });

    it('a body over the size limit', async () => {
      const body = emailBody(`<mj-text>${'x'.repeat(300 * 1024)}</mj-text>`);
      expect(await refused(body)).toMatchObject({ code: 'TEMPLATE_TOO_LARGE' });
    });

    it('errors in the subject are positioned in the subject', async () => {
      expect(await refused(emailBody('<mj-text>x</mj-text>'), 'Hi {{#if contact.firstName}}')).toMatchObject({
        code: 'SYNTAX_ERROR',
        source: 'subject',
        line: 1,
      });
    });

    it('letters are checked too', async () => {
      const response = await api.call('POST', '/v1/templates', {
        name: unique('letter'),
        kind: 'letter',
        subject: 'Offer',
        body: '<p>Dear {{contact.lastName}},</p>\n<script>alert(1)</script>',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.diagnostics[0]).toMatchObject({
        code: 'UNSAFE_CONTEXT',
        line: 2,
        column: 1,
      });
    });
  });

  describe('versions', () => {
    it('publishes immutable versions; publishing again never alters an earlier one', async () => {
      const template = await newEmailTemplate(api, { subject: 'First subject' });
      expect((await api.call('GET', `/v1/templates/${template.id}/versions`)).json()).toEqual({
        items: [],
        nextCursor: null,
      });
      const first = await publish(api, template.id);
      expect(first).toMatchObject({ version: 1, subject: 'First subject', publishedBy: expect.any(String) });
      const firstRead = await expectStatus(
        await api.call('GET', `/v1/templates/${template.id}/versions/1`),
        200,
      );

      await expectStatus(
        await api.call('PATCH', `/v1/templates/${template.id}`, { subject: 'Second subject' }),
        200,
      );
      const second = await publish(api, template.id);
      expect(second).toMatchObject({ version: 2, subject: 'Second subject' });

      expect(
        await expectStatus(await api.call('GET', `/v1/templates/${template.id}/versions/1`), 200),
      ).toEqual(firstRead);
      const listed = await expectStatus<{ items: { version: number; subject: string }[] }>(
        await api.call('GET', `/v1/templates/${template.id}/versions`),
        200,
      );
      expect(listed.items.map((item) => [item.version, item.subject])).toEqual([
        [2, 'Second subject'],
        [1, 'First subject'],
      ]);
      expect((await api.call('GET', `/v1/templates/${template.id}`)).json().latestVersion).toBe(2);
    });

    it('the database refuses any change to a published version', async () => {
      const template = await newEmailTemplate(api);
      const version = await publish(api, template.id);
      const { DataSource } = await import('typeorm');
      const dataSource = api.app.get(DataSource);
      await expect(
        dataSource.query(`UPDATE template_versions SET subject = 'changed' WHERE id = $1`, [version.id]),
      ).rejects.toThrow(/immutable/);
    });

    it('pages versions newest first', async () => {
      const template = await newEmailTemplate(api);
      for (let index = 0; index < 3; index++) await publish(api, template.id);
      const first = await expectStatus<{ items: { version: number }[]; nextCursor: string }>(
        await api.call('GET', `/v1/templates/${template.id}/versions?limit=2`),
        200,
      );
      expect(first.items.map((item) => item.version)).toEqual([3, 2]);
      const second = await expectStatus<{ items: { version: number }[]; nextCursor: null }>(
        await api.call(
          'GET',
          `/v1/templates/${template.id}/versions?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
        ),
        200,
      );
      expect(second).toEqual({ items: [expect.objectContaining({ version: 1 })], nextCursor: null });
      const foreign = await api.call('GET', `/v1/templates?cursor=${encodeURIComponent(first.nextCursor)}`);
      expect(foreign.json().error.code).toBe('CURSOR_INVALID');
    });

    it('answers 404 TEMPLATE_VERSION_NOT_FOUND for a version that does not exist', async () => {
      const template = await newEmailTemplate(api);
      const response = await api.call('GET', `/v1/templates/${template.id}/versions/7`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('TEMPLATE_VERSION_NOT_FOUND');
      expect((await api.call('GET', `/v1/templates/${template.id}/versions/seven`)).statusCode).toBe(400);
    });

    it('publishing checks the draft again: a field removed since the save stops it', async () => {
      const key = await newField(api);
      const template = await newEmailTemplate(api, {
        body: emailBody(`<mj-text>{{contact.custom.${key}}}</mj-text>`),
      });
      const version = await publish(api, template.id);
      expect(version).toMatchObject({ version: 1 });
      await expectStatus(await api.call('DELETE', `/v1/fields/${key}`), 204);

      const response = await api.call('POST', `/v1/templates/${template.id}/publish`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.diagnostics[0]).toMatchObject({
        code: 'UNKNOWN_VARIABLE',
        line: 5,
      });
      // The version published before still renders: it froze the field schema it was checked with.
      const preview = await api.call('POST', `/v1/templates/${template.id}/preview`, { version: 1 });
      expect(preview.statusCode).toBe(200);
    });
  });

  describe('loadForSending', () => {
    it('loads the newest published version unless one is pinned, compiled once per version', async () => {
      const sending = api.app.get(CompiledTemplateService);
      const template = await newEmailTemplate(api, { subject: 'v1 for {{contact.firstName}}' });
      await expect(sending.loadForSending(template.name)).rejects.toMatchObject({
        code: 'TEMPLATE_NOT_PUBLISHED',
      });
      await publish(api, template.id);
      await expectStatus(
        await api.call('PATCH', `/v1/templates/${template.id}`, { subject: 'v2 for {{contact.firstName}}' }),
        200,
      );
      await publish(api, template.id);
      await expectStatus(await api.call('PATCH', `/v1/templates/${template.id}`, { subject: 'draft' }), 200);

      const latest = await sending.loadForSending(template.name.toUpperCase());
      expect(latest).toMatchObject({ templateId: template.id, templateName: template.name, version: 2 });
      const pinned = await sending.loadForSending(template.name, 1);
      expect(pinned.version).toBe(1);
      const data = {
        contact: { email: 'erika@example.org', firstName: 'Erika' },
        account: { name: 'Blue Aegean' },
        links: { unsubscribe: 'https://example.org/u/1' },
      };
      expect(latest.compiled.render(data).subject).toBe('v2 for Erika');
      expect(pinned.compiled.render(data).subject).toBe('v1 for Erika');
      // Compile once, render many: the same compiled object for the same version.
      expect((await sending.loadForSending(template.name)).compiled).toBe(latest.compiled);
      expect((await sending.loadForSending(template.name, 1)).compiled).toBe(pinned.compiled);
    });

    it('names what is missing', async () => {
      const sending = api.app.get(CompiledTemplateService);
      const template = await newEmailTemplate(api);
      await publish(api, template.id);
      await expect(sending.loadForSending(unique('nothing'))).rejects.toMatchObject({
        code: 'TEMPLATE_NOT_FOUND',
      });
      await expect(sending.loadForSending(template.name, 5)).rejects.toMatchObject({
        code: 'TEMPLATE_VERSION_NOT_FOUND',
      });
      const letter = await expectStatus<{ id: string; name: string }>(
        await api.call('POST', '/v1/templates', {
          name: unique('letter'),
          kind: 'letter',
          subject: 'x',
          body: '<p>x</p>',
        }),
        201,
      );
      await publish(api, letter.id);
      const error = await sending.loadForSending(letter.name).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TemplateError);
      expect(error).toMatchObject({ code: 'TEMPLATE_KIND_MISMATCH' });
    });
  });

  describe('parts', () => {
    async function newPart(name: string, content: string, kind: 'partial' | 'layout' = 'partial') {
      return expectStatus<{ id: string; name: string }>(
        await api.call('POST', '/v1/template-parts', { name, kind, content }),
        201,
      );
    }

    it('shares a footer and a layout by name; a published version keeps the part as it was', async () => {
      const footer = await newPart(
        unique('footer'),
        '<mj-section><mj-column><mj-text>Old footer <a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text></mj-column></mj-section>',
      );
      const layout = await newPart(
        unique('layout'),
        `<mjml><mj-body>{{> @partial-block}}{{> ${footer.name}}}</mj-body></mjml>`,
        'layout',
      );
      const template = await newEmailTemplate(api, {
        body: `{{#> ${layout.name}}}<mj-section><mj-column><mj-text>Hi {{contact.firstName}}</mj-text></mj-column></mj-section>{{/${layout.name}}}`,
      });
      const version = await publish(api, template.id);
      expect(Object.keys((version as unknown as { parts: object }).parts).sort()).toEqual(
        [footer.name, layout.name].sort(),
      );

      const changed = await api.call('PATCH', `/v1/template-parts/${footer.id}`, {
        content:
          '<mj-section><mj-column><mj-text>New footer <a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text></mj-column></mj-section>',
      });
      expect(changed.statusCode).toBe(200);
      const draft = await expectStatus<{ html: string }>(
        await api.call('POST', `/v1/templates/${template.id}/preview`, {}),
        200,
      );
      expect(draft.html).toContain('New footer');
      const published = await expectStatus<{ html: string; version: number }>(
        await api.call('POST', `/v1/templates/${template.id}/preview`, { version: 1 }),
        200,
      );
      expect(published).toMatchObject({ version: 1 });
      expect(published.html).toContain('Old footer');
    });

    it('refuses a part change that would break a draft using it, naming the draft and the position', async () => {
      const footer = await newPart(
        unique('footer'),
        '<mj-section><mj-column><mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text></mj-column></mj-section>',
      );
      const template = await newEmailTemplate(api, {
        body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>{{> ${footer.name}}}</mj-body></mjml>`,
      });
      const response = await api.call('PATCH', `/v1/template-parts/${footer.id}`, {
        content: '<mj-section><mj-column>\n<mj-text>{{contact.nickname}}</mj-text></mj-column></mj-section>',
      });
      expect(response.statusCode).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe('TEMPLATE_INVALID');
      expect(error.details.template).toEqual({ id: template.id, name: template.name });
      expect(error.details.diagnostics[0]).toMatchObject({
        code: 'UNKNOWN_VARIABLE',
        source: `partial:${footer.name}`,
        line: 2,
        column: 12,
      });
    });

    it('refuses deleting a part a draft uses, and deletes it once unused', async () => {
      const footer = await newPart(
        unique('footer'),
        '<mj-section><mj-column><mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text></mj-column></mj-section>',
      );
      const template = await newEmailTemplate(api, {
        body: `<mjml><mj-body>{{> ${footer.name}}}</mj-body></mjml>`,
      });
      const inUse = await api.call('DELETE', `/v1/template-parts/${footer.id}`);
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json().error).toMatchObject({
        code: 'TEMPLATE_PART_IN_USE',
        details: { templates: [{ id: template.id, name: template.name }] },
      });
      await expectStatus(await api.call('DELETE', `/v1/templates/${template.id}`), 204);
      expect((await api.call('DELETE', `/v1/template-parts/${footer.id}`)).statusCode).toBe(204);
      expect((await api.call('GET', `/v1/template-parts/${footer.id}`)).json().error.code).toBe(
        'TEMPLATE_PART_NOT_FOUND',
      );
    });

    it('an unknown part in a template is positioned and the existing ones are suggested', async () => {
      const footer = await newPart(unique('footer'), '<mj-section></mj-section>');
      const diagnostic = await refused(`<mjml><mj-body>\n{{> ${footer.name}x}}</mj-body></mjml>`);
      expect(diagnostic).toMatchObject({ code: 'UNKNOWN_PARTIAL', line: 2, column: 1 });
      expect((diagnostic as Diagnostic & { suggestion: string }).suggestion).toContain(footer.name);
    });

    it('checks a part on its own for syntax, and that a layout has {{> @partial-block}}', async () => {
      const syntax = await api.call('POST', '/v1/template-parts', {
        name: unique('broken'),
        kind: 'partial',
        content: '<mj-section>\n  {{#if contact.firstName}}\n</mj-section>',
      });
      expect(syntax.statusCode).toBe(400);
      expect(syntax.json().error.details.diagnostics[0]).toMatchObject({ code: 'SYNTAX_ERROR' });
      const layout = await api.call('POST', '/v1/template-parts', {
        name: unique('layout'),
        kind: 'layout',
        content: '<mjml><mj-body></mj-body></mjml>',
      });
      expect(layout.statusCode).toBe(400);
      const name = await api.call('POST', '/v1/template-parts', {
        name: 'no spaces',
        kind: 'partial',
        content: '',
      });
      expect(name.statusCode).toBe(400);
      expect(name.json().error.code).toBe('VALIDATION_FAILED');
    });

    it('lists parts by name and refuses a taken name', async () => {
      const name = unique('aaa-part');
      await newPart(name, '<mj-section></mj-section>');
      const taken = await api.call('POST', '/v1/template-parts', { name, kind: 'partial', content: '' });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.code).toBe('TEMPLATE_PART_NAME_TAKEN');
      const page = await expectStatus<{ items: { name: string }[] }>(
        await api.call('GET', '/v1/template-parts?limit=500'),
        200,
      );
      const names = page.items.map((item) => item.name);
      expect(names).toContain(name);
      expect(names).toEqual([...names].sort());
    });
  });

  describe('examples', () => {
    it('installs the shipped examples once, published, and leaves them alone the second time', async () => {
      const first = await expectStatus<{ items: { type: string; name: string; outcome: string }[] }>(
        await api.call('POST', '/v1/templates/examples'),
        200,
      );
      const templates = first.items.filter((item) => item.type === 'template');
      expect(templates.map((item) => item.name).sort()).toEqual([
        'follow-up-greece',
        'greece-offer-letter',
        'welcome',
      ]);
      expect(first.items.filter((item) => item.outcome === 'failed')).toEqual([]);

      const second = await expectStatus<{ items: { outcome: string }[] }>(
        await api.call('POST', '/v1/templates/examples'),
        200,
      );
      expect(second.items.every((item) => item.outcome === 'existing')).toBe(true);

      const welcome = await api.app.get(CompiledTemplateService).loadForSending('welcome');
      expect(welcome.version).toBe(1);
    });
  });
});
