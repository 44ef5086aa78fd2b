import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { account, exampleContext, exampleEmail, sampleData } from '../test-support/fixtures.js';
import { TemplateRenderError } from './diagnostics.js';
import { compileEmailTemplate } from './email-template.js';
import type { CompiledEmailTemplate } from './email-template.js';
import { createMimeComposer } from './mime.js';
import { encodeHeaderText, encodeQuotedPrintable, formatMailDate } from './mime-encoding.js';

let template: CompiledEmailTemplate;

beforeAll(async () => {
  template = await compileEmailTemplate(exampleEmail('follow-up-greece'), exampleContext);
});

const from = { name: 'Blue Aegean Travel', address: 'hello@blue-aegean.example' };

/** One encoded line: literal characters and whole `=XX` escapes, then an optional soft break. */
const QUOTED_PRINTABLE_LINE = /^(?:[\t\x20-\x3c\x3e-\x7e]|=[0-9A-F]{2})*=?$/;

/** A quoted-printable decoder written from RFC 2045 §6.7, to check the encoder independently. */
function decodeQuotedPrintable(encoded: string): string {
  const bytes: number[] = [];
  const unfolded = encoded.replace(/=\r\n/g, '');
  for (let index = 0; index < unfolded.length; index++) {
    const char = unfolded[index]!;
    if (char === '=') {
      bytes.push(parseInt(unfolded.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(char, 'latin1'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('MIME messages', () => {
  it('parse back with subject, text, html and the one-click unsubscribe headers', async () => {
    const composer = createMimeComposer(template, {
      from,
      replyTo: { address: 'greece@blue-aegean.example' },
    });
    const data = sampleData(1);
    const date = new Date(Date.UTC(2026, 2, 1, 9, 30));
    const message = composer.compose(data, { date });
    const parsed = await simpleParser(message.raw);

    const rendered = template.render(data, { date });
    expect(parsed.subject).toBe('Jörg, four Greek islands for your summer');
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.from?.value).toEqual([
      { name: 'Blue Aegean Travel', address: 'hello@blue-aegean.example' },
    ]);
    expect(parsed.to).toMatchObject({
      value: [{ name: 'Jörg Mustermann', address: 'traveller1@example.org' }],
    });
    expect(parsed.replyTo?.value[0]?.address).toBe('greece@blue-aegean.example');
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.date?.toISOString()).toBe(date.toISOString());
    expect(parsed.text?.trim()).toBe(rendered.text);
    expect(parsed.html).toBe(rendered.html);
    const line = (key: string) => parsed.headerLines.find((header) => header.key === key)?.line;
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(line('list-unsubscribe')).toBe(
      'List-Unsubscribe: <https://mail.blue-aegean.example/u/t1>,\r\n <mailto:unsubscribe+t1@mail.blue-aegean.example>',
    );
    expect(parsed.headers.get('list')).toMatchObject({
      unsubscribe: {
        url: 'https://mail.blue-aegean.example/u/t1',
        mail: 'unsubscribe+t1@mail.blue-aegean.example',
      },
    });
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  });

  it('is 7-bit with CRLF line ends and no line over 78 characters', () => {
    const composer = createMimeComposer(template, { from });
    const { raw } = composer.compose(sampleData(0));
    expect(raw).toMatch(/^[\t\x20-\x7e\r\n]*$/);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('shares the frame across messages and varies only what differs per contact', () => {
    const composer = createMimeComposer(template, { from, headers: { 'X-Campaign': 'greece-2026' } });
    const first = composer.compose(sampleData(0)).raw;
    const second = composer.compose(sampleData(1)).raw;
    const boundary = (raw: string) => /boundary="([^"]+)"/.exec(raw)?.[1];
    expect(boundary(first)).toBe(boundary(second));
    expect(boundary(first)).toContain('=_');
    expect(first).toContain('X-Campaign: greece-2026\r\n');
    expect(first).not.toBe(second);
  });

  it('never lets data start a header of its own', async () => {
    const composer = createMimeComposer(template, { from });
    const data = sampleData(0);
    const hostile = {
      ...data,
      contact: {
        ...data.contact,
        firstName: 'Ana\r\nBcc: victim@example.org\r\n',
        lastName: '"quoted" \\ name',
      },
    };
    const message = composer.compose(hostile);
    const parsed = await simpleParser(message.raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.subject).toBe('Ana Bcc: victim@example.org , four Greek islands for your summer');
    expect(() =>
      composer.compose({ ...data, contact: { ...data.contact, email: 'a@b.example\r\nBcc: x@y' } }),
    ).toThrow(TemplateRenderError);
    expect(() => createMimeComposer(template, { from, headers: { Bcc: 'x@example.org' } })).toThrow(
      TemplateRenderError,
    );
  });

  it('requires an https unsubscribe URL and leaves out an invalid mailto', () => {
    const composer = createMimeComposer(template, { from });
    const data = sampleData(0);
    expect(() => composer.compose({ ...data, links: { unsubscribe: 'javascript:alert(1)' } })).toThrow(
      TemplateRenderError,
    );
    const { raw } = composer.compose({
      ...data,
      links: { ...data.links, unsubscribeMailto: 'not a mailto' },
    });
    expect(raw).toContain('List-Unsubscribe: <https://mail.blue-aegean.example/u/t0>\r\n');
  });

  it('encodes international domains and refuses addresses it cannot transmit', async () => {
    const composer = createMimeComposer(template, { from });
    const data = sampleData(0);
    const message = composer.compose({
      ...data,
      contact: { ...data.contact, email: 'erika@müller.example' },
    });
    expect(message.raw).toContain('<erika@xn--mller-kva.example>');
    expect(() =>
      composer.compose({ ...data, contact: { ...data.contact, email: 'ëlla@example.org' } }),
    ).toThrow(TemplateRenderError);
    expect(() => createMimeComposer(template, { from: { address: account.name } })).toThrow(
      TemplateRenderError,
    );
  });
});

describe('the HTML part encoded at compile time', () => {
  it('decodes to exactly the rendered HTML, for any contact', () => {
    const tricky = fc.string({
      unit: fc.constantFrom('a', 'ä', '€', '😀', '.', '=', ' ', '\t', '\n', '<', '&', 'x'),
      maxLength: 120,
    });
    fc.assert(
      fc.property(tricky, tricky, fc.integer({ min: 0, max: 10 }), (firstName, city, index) => {
        const base = sampleData(index);
        const data = { ...base, contact: { ...base.contact, firstName, city, groups: [city, firstName] } };
        const date = new Date(Date.UTC(2026, 0, 1));
        const { htmlQuotedPrintable } = template.renderEncoded(data, { date });
        for (const line of htmlQuotedPrintable.split('\r\n')) {
          expect(line).toMatch(QUOTED_PRINTABLE_LINE);
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line).not.toMatch(/[ \t]$/);
          expect(line.startsWith('.')).toBe(false);
        }
        expect(htmlQuotedPrintable).toMatch(/^[\t\x20-\x7e\r\n]*$/);
        const html = template.render(data, { date }).html.replace(/\r\n|\r|\n/g, '\r\n');
        expect(decodeQuotedPrintable(htmlQuotedPrintable)).toBe(html);
      }),
      { numRuns: 100 },
    );
  });
});

describe('quoted-printable', () => {
  it('round-trips any text and keeps lines within 76 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const encoded = encodeQuotedPrintable(text);
        expect(encoded).toMatch(/^[\t\x20-\x7e\r\n]*$/);
        for (const line of encoded.split('\r\n')) {
          expect(line).toMatch(QUOTED_PRINTABLE_LINE);
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line).not.toMatch(/[ \t]$/);
          expect(line.startsWith('.')).toBe(false);
        }
        const expected = text.replace(/\r\n|\r/g, '\n').replace(/\n/g, '\r\n');
        expect(decodeQuotedPrintable(encoded)).toBe(Buffer.from(expected, 'utf8').toString('utf8'));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes the characters the standard asks for', () => {
    expect(encodeQuotedPrintable('a=b')).toBe('a=3Db');
    expect(encodeQuotedPrintable('ä')).toBe('=C3=A4');
    expect(encodeQuotedPrintable('end \nnext')).toBe('end=20\r\nnext');
    expect(encodeQuotedPrintable('.start')).toBe('=2Estart');
    expect(encodeQuotedPrintable('x'.repeat(80))).toBe(`${'x'.repeat(75)}=\r\n${'x'.repeat(5)}`);
  });
});

describe('header encoding', () => {
  it('leaves plain ASCII readable and encodes the rest as RFC 2047 words mailparser reads back', async () => {
    expect(encodeHeaderText('Summer offers', 7)).toBe('Summer offers');
    // Rendered subjects are single lines without surrounding space.
    const subjects = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 120 })
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => s !== '');
    await fc.assert(
      fc.asyncProperty(subjects, async (subject) => {
        const encoded = encodeHeaderText(subject, 7);
        for (const line of `Subject: ${encoded}`.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
        const parsed = await simpleParser(`Subject: ${encoded}\r\n\r\nbody`);
        expect(parsed.subject).toBe(subject);
      }),
      { numRuns: 200 },
    );
  });

  it('formats dates as RFC 5322 in UTC', () => {
    expect(formatMailDate(new Date(Date.UTC(2026, 6, 4, 8, 5, 9)))).toBe('Sat, 04 Jul 2026 08:05:09 +0000');
  });
});
