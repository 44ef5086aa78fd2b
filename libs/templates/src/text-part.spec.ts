import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { account, exampleContext, exampleEmails, linksFor, sampleData } from '../test-support/fixtures.js';
import { compileEmailTemplate } from './email-template.js';
import type { TemplateData } from './template-data.js';
import { htmlToPlainText } from './text-part.js';

const normalizeSpace = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Printable values without whitespace runs, which html-to-text would fold. */
const value = fc.string({ unit: 'grapheme-ascii', maxLength: 24 }).map((s) => s.replace(/\s+/g, ' ').trim());

const contactData = fc.record({
  firstName: fc.option(value, { nil: null }),
  lastName: fc.option(value, { nil: null }),
  city: fc.option(value, { nil: null }),
  language: fc.constantFrom('de-DE', 'en-GB', 'el-GR', 'xx-invalid', null),
  groups: fc.array(
    value.filter((group) => group !== ''),
    { maxLength: 3 },
  ),
  tags: fc.array(
    value.filter((tag) => tag !== ''),
    { maxLength: 3 },
  ),
  website: fc.constantFrom('https://example.org/', 'javascript:alert(1)', '', 'mailto:a@example.org'),
  budget: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
  nights: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
});

describe('the text part made once per template', () => {
  it.each(exampleEmails.map((email) => [email.name, email] as const))(
    '%s: equals converting each rendered HTML, for any contact',
    async (_name, email) => {
      const template = await compileEmailTemplate(email, exampleContext);
      expect(template.textStrategy).toBe('template');
      fc.assert(
        fc.property(contactData, fc.boolean(), (contact, withUser) => {
          const base = sampleData(0);
          const data: TemplateData = {
            contact: {
              ...base.contact,
              ...contact,
              custom: {
                ...base.contact.custom,
                website: contact.website,
                budget: contact.budget,
                nights: contact.nights,
              },
            },
            account,
            links: linksFor('x'),
            responsibleUser: withUser ? base.responsibleUser! : null,
          };
          const rendered = template.render(data);
          expect(normalizeSpace(rendered.text)).toBe(normalizeSpace(htmlToPlainText(rendered.html)));
        }),
        { numRuns: 60 },
      );
    },
  );

  it('falls back to converting each rendered HTML when a block would be cut apart', async () => {
    const template = await compileEmailTemplate(
      {
        subject: 'Hi',
        mjml: `<mjml><mj-body><mj-section><mj-column>
  <mj-text><div style="display:none">{{#if contact.firstName}}</div>Hello {{contact.firstName}}{{/if}}</mj-text>
  <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`,
      },
      exampleContext,
    );
    expect(template.textStrategy).toBe('per-contact');
    expect(template.render(sampleData(0)).text).toContain('Hello Erika');
    const anonymous = { ...sampleData(0), contact: { email: 'a@example.org' } };
    expect(template.render(anonymous).text).not.toContain('Hello');
  });

  it('shows links the way html-to-text does, whatever the link value is', async () => {
    const template = await compileEmailTemplate(
      {
        subject: 'Hi',
        mjml: `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Site: <a href="{{contact.custom.website}}">our partner</a>. Mail: <a href="mailto:{{contact.email}}">write</a>.</mj-text>
  <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`,
      },
      exampleContext,
    );
    const withSite = (website: string) => {
      const data = sampleData(0);
      return template.render({ ...data, contact: { ...data.contact, custom: { website } } }).text;
    };
    expect(withSite('https://partner.example/')).toContain('Site: our partner [https://partner.example/].');
    expect(withSite('javascript:alert(1)')).toContain('Site: our partner.');
    expect(withSite('')).toContain('Mail: write [traveller0@example.org].');
  });
});
