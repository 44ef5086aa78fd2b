import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { account, exampleContext } from '../test-support/fixtures.js';
import { compileEmailTemplate } from './email-template.js';
import type { CompiledEmailTemplate } from './email-template.js';
import { safeUrl } from './safe-url.js';
import type { TemplateData } from './template-data.js';

const MJML = `<mjml>
  <mj-head><mj-title>{{message.subject}}</mj-title><mj-preview>{{message.preheader}}</mj-preview></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello <b>{{contact.firstName}}</b> {{upper contact.lastName}}, from {{contact.city}}</mj-text>
        <mj-text><a href="{{contact.custom.website}}" title="{{contact.companyName}}">Your site</a></mj-text>
        <mj-button href="{{contact.custom.website}}">Visit</mj-button>
        <mj-image src="{{contact.custom.website}}" alt="{{contact.firstName}}" />
        <mj-text><a href="https://travel.example/?ref={{contact.email}}">Offers</a> <a href="mailto:{{contact.email}}">Mail</a></mj-text>
        <mj-text>{{#each contact.tags}}<span>#{{this}}</span> {{/each}}</mj-text>
        <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

let template: CompiledEmailTemplate;

beforeAll(async () => {
  template = await compileEmailTemplate(
    { subject: 'Hi {{contact.firstName}}', preheader: '{{contact.lastName}}', mjml: MJML },
    exampleContext,
  );
});

function dataWith(contact: Partial<TemplateData['contact']> & Record<string, unknown>): TemplateData {
  return {
    contact: { email: 'guest@example.org', ...contact } as TemplateData['contact'],
    account,
    links: { unsubscribe: 'https://mail.example/u/1' },
  };
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every URL-valued attribute of the rendered HTML, as the browser would read it. */
function urlAttributes(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|background)="([^"]*)"/g)].map((match) => decodeEntities(match[1]!));
}

/** What a browser does to a URL before looking at its scheme. */
function schemeOf(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const cleaned = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  return /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1]?.toLowerCase();
}

describe('hostile contact data', () => {
  it('escapes markup in text and attributes', () => {
    const rendered = template.render(
      dataWith({ firstName: '<script>alert(1)</script>', companyName: '"><img src=x onerror=alert(1)>' }),
    );
    expect(rendered.html).not.toContain('<script>alert');
    expect(rendered.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(rendered.html).not.toContain('<img src=x');
    expect(rendered.html).toContain('title="&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"');
    // The text part is plain text: the value appears as typed, and it is not HTML.
    expect(rendered.text).toContain('Hello <script>alert(1)</script>');
    expect(rendered.subject).toBe('Hi <script>alert(1)</script>');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\nscript:alert(1)',
    'java\tscript:alert(1)',
    '\u0001javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    '//evil.example/',
    'javascript&#58;alert(1)',
  ])('a URL field holding %j never yields a dangerous link', (website) => {
    const rendered = template.render(dataWith({ custom: { website } }));
    for (const url of urlAttributes(rendered.html)) {
      expect(['http', 'https', 'mailto', undefined]).toContain(schemeOf(url));
    }
    expect(rendered.html).not.toMatch(/(href|src)="[^"]*script/i);
    expect(rendered.text).not.toMatch(/script:/i);
  });

  it('keeps allowed URLs as they are', () => {
    const rendered = template.render(dataWith({ custom: { website: 'https://example.org/a?b=1&c=2' } }));
    expect(rendered.html).toContain('href="https://example.org/a?b&#x3D;1&amp;c&#x3D;2"');
    expect(rendered.text).toContain('Your site [https://example.org/a?b=1&c=2]');
  });

  it('prints template syntax in data literally instead of evaluating it', () => {
    const rendered = template.render(
      dataWith({ firstName: '{{constructor}}', lastName: '{{#each this}}x{{/each}}', tags: ['{{@root}}'] }),
    );
    expect(rendered.html).toContain('Hello <b>{{constructor}}</b> {{#EACH THIS}}X{{/EACH}}');
    expect(rendered.text).toContain('#{{@root}}');
    expect(rendered.text).toContain('Hello {{constructor}}');
  });

  it('ignores __proto__ and unknown keys in the data', () => {
    const custom = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "website": "https://example.org/"}',
    ) as Record<string, string>;
    const contact = JSON.parse(
      '{"email": "a@example.org", "firstName": "Ana", "__proto__": {"city": "Nowhere"}}',
    );
    const rendered = template.render(dataWith({ ...contact, custom, constructor: 'x' }));
    expect(rendered.html).toContain('Hello <b>Ana</b>');
    expect(rendered.html).not.toContain('Nowhere');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps line breaks in data out of the subject', () => {
    const rendered = template.render(dataWith({ firstName: 'Ana\r\nBcc: victim@example.org' }));
    expect(rendered.subject).toBe('Hi Ana Bcc: victim@example.org');
  });

  it('never lets any string reach HTML unescaped or choose a link scheme', () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '<',
        '>',
        '"',
        "'",
        '&',
        '`',
        '=',
        'javascript:',
        '\u0000',
        '\n',
        '{{',
        '}}',
        '<script>',
      ),
      fc
        .array(fc.constantFrom('<', '>', '"', "'", 'java', 'script', ':', '&#', 'x', '\t', ' ', '/'), {
          maxLength: 12,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, (firstName, companyName, website) => {
        const { html } = template.render(dataWith({ firstName, companyName, custom: { website } }));
        for (const url of urlAttributes(html)) {
          expect(['http', 'https', 'mailto', undefined]).toContain(schemeOf(url));
        }
        const greeting = /Hello <b>([^<]*)<\/b>/.exec(html)?.[1];
        expect(decodeEntities(greeting ?? '')).toBe(firstName);
        expect(/title="([^"]*)"/.exec(html)?.[1]).toBe(
          companyName
            .replace(/&/g, '&amp;')
            .replace(/</g, '&lt;')
            .replace(/>/g, '&gt;')
            .replace(/"/g, '&quot;')
            .replace(/'/g, '&#x27;')
            .replace(/`/g, '&#x60;')
            .replace(/=/g, '&#x3D;'),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('safeUrl', () => {
  it('passes http, https and mailto and refuses everything else', () => {
    expect(safeUrl('https://example.org/x')).toBe('https://example.org/x');
    expect(safeUrl('HTTP://example.org')).toBe('HTTP://example.org');
    expect(safeUrl('mailto:a@example.org?subject=Hi')).toBe('mailto:a@example.org?subject=Hi');
    expect(safeUrl(' https://example.org ')).toBe('https://example.org');
    for (const refused of [
      'javascript:x',
      'ftp://x',
      '/relative',
      '//host',
      'https//missing',
      'https://',
      '',
      null,
      42,
    ]) {
      expect(safeUrl(refused)).toBe('');
    }
  });
});
