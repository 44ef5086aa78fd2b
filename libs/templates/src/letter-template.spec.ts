import { describe, expect, it } from '@jest/globals';
import { account, exampleContext, exampleLetters, sampleData } from '../test-support/fixtures.js';
import { TemplateCheckError } from './diagnostics.js';
import {
  LETTER_GEOMETRY,
  addressLines,
  checkLetterTemplate,
  compileLetterTemplate,
  letterStyles,
  renderLetterHtml,
} from './letter-template.js';
import type { LetterTemplateVersion } from './letter-template.js';

const DATE = new Date(Date.UTC(2026, 2, 2, 9));

function letter(body: string, format: LetterTemplateVersion['format'] = 'A4'): LetterTemplateVersion {
  return { format, subject: 'Your offer', body };
}

/** The value of one CSS property of one rule in the generated styles. */
function cssValue(css: string, selector: string, property: string): string | undefined {
  const rule = new RegExp(`(^|\\n)${selector.replace('.', '\\.')} \\{([^}]*)\\}`).exec(css)?.[2];
  return rule ? new RegExp(`(?:^|;)\\s*${property}:\\s*([^;]+);`).exec(rule)?.[1]?.trim() : undefined;
}

const millimetres = (value: string | undefined) => Number(/^(-?[\d.]+)mm$/.exec(value ?? '')?.[1]);

describe('shipped example letters', () => {
  it.each(exampleLetters.map((example) => [example.name, example] as const))(
    '%s compiles and renders one page-broken document for several contacts',
    (_name, example) => {
      const result = checkLetterTemplate(example, exampleContext);
      expect(result.diagnostics).toEqual([]);
      const contacts = [sampleData(0), sampleData(1), sampleData(2)];
      const html = renderLetterHtml(result.template!, contacts, { date: DATE, title: 'Greece mailing' });
      expect(html.match(/<section class="letter"/g)).toHaveLength(3);
      expect(html).toContain('@page { size: A4;');
      expect(html).toContain('.letter { position: relative; break-before: page;');
      expect(html).toContain('.letter:first-child { break-before: auto;');
      expect(html).toContain('Dear Erika Mustermann,');
      expect(html).toContain('Dear Jörg Mustermann,');
      expect(html).toContain('Elbchaussee 42<br>22763 Hamburg</div>');
      expect(html).toContain('Berlin, 2. März 2026');
      expect(html).toContain('Greek island offers for 14 July 2026');
      expect(html).toContain('<span>Blue Aegean Travel GmbH · Friedrichstraße 120 · 10117 Berlin</span>');
      expect(html).not.toContain('{{');
    },
  );
});

describe('print layout', () => {
  it('places the A4 address field where a DIN 5008 form B window envelope shows it', () => {
    const css = letterStyles('A4');
    const { margin } = LETTER_GEOMETRY.A4;
    expect(css).toContain('@page { size: A4; margin: 20mm 20mm 20mm 25mm; }');
    // Positions inside the letter box are page positions less the page margin.
    expect(millimetres(cssValue(css, '.address-field', 'top')) + margin.top).toBe(45);
    expect(millimetres(cssValue(css, '.address-field', 'left')) + margin.left).toBe(20);
    expect(cssValue(css, '.address-field', 'width')).toBe('85mm');
    expect(cssValue(css, '.address-field', 'height')).toBe('45mm');
    expect(cssValue(css, '.return-line', 'height')).toBe('17.7mm');
    expect(millimetres(cssValue(css, '.subject', 'padding-top')) + margin.top).toBeCloseTo(98.46, 2);
  });

  it('places the US Letter address block inside a #10 window', () => {
    const css = letterStyles('Letter');
    const { margin } = LETTER_GEOMETRY.Letter;
    expect(css).toContain('@page { size: letter;');
    const top = (millimetres(cssValue(css, '.address-field', 'top')) + margin.top) / 25.4;
    const left = (millimetres(cssValue(css, '.address-field', 'left')) + margin.left) / 25.4;
    const height = millimetres(cssValue(css, '.address-field', 'height')) / 25.4;
    const width = millimetres(cssValue(css, '.address-field', 'width')) / 25.4;
    // The window shows about 2 in to 3 1/8 in from the top and 7/8 in to 5 3/8 in from the left.
    expect(top).toBeGreaterThanOrEqual(2);
    expect(top + height).toBeLessThanOrEqual(3.125 + 1e-9);
    expect(left).toBeGreaterThanOrEqual(0.875);
    expect(left + width).toBeLessThanOrEqual(5.375);
  });

  it('renders a US Letter document with the country line for mail abroad', () => {
    const template = compileLetterTemplate(
      letter('<p>Hello {{contact.firstName}}</p>', 'Letter'),
      exampleContext,
    );
    const data = sampleData(0);
    const html = renderLetterHtml(template, [
      { ...data, contact: { ...data.contact, country: 'US', city: 'Springfield, IL', postalCode: '62704' } },
    ]);
    expect(html).toContain('@page { size: letter;');
    expect(html).toContain('Elbchaussee 42<br>Springfield, IL 62704<br>UNITED STATES</div>');
  });
});

describe('address lines', () => {
  it('follow the postal conventions of the destination', () => {
    const base = { firstName: 'Erika', lastName: 'Mustermann', street: 'Main Street 1' };
    expect(addressLines({ ...base, postalCode: '10117', city: 'Berlin', country: 'DE' }, 'DE')).toEqual([
      'Erika Mustermann',
      'Main Street 1',
      '10117 Berlin',
    ]);
    expect(addressLines({ ...base, postalCode: '84100', city: 'Naxos', country: 'GR' }, 'DE')).toEqual([
      'Erika Mustermann',
      'Main Street 1',
      '84100 Naxos',
      'GREECE',
    ]);
    expect(addressLines({ ...base, postalCode: 'SW1A 1AA', city: 'London', country: 'GB' }, 'DE')).toEqual([
      'Erika Mustermann',
      'Main Street 1',
      'LONDON',
      'SW1A 1AA',
      'UNITED KINGDOM',
    ]);
    expect(
      addressLines(
        { companyName: 'Island Ferries SA', kind: 'company', ...base, city: 'Piraeus', country: 'GR' },
        'GR',
      ),
    ).toEqual(['Island Ferries SA', 'Erika Mustermann', 'Main Street 1', 'Piraeus']);
  });
});

describe('letter checks', () => {
  it('escapes contact data in the address block and the body', () => {
    const template = compileLetterTemplate(letter('<p>Dear {{contact.firstName}}</p>'), exampleContext);
    const data = sampleData(0);
    const html = renderLetterHtml(template, [
      {
        ...data,
        contact: { ...data.contact, firstName: '<img src=x onerror=alert(1)>', street: '<b>Street</b>' },
      },
    ]);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('Dear &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;Street&lt;/b&gt;');
  });

  it('reports positioned errors like email templates do', () => {
    const result = checkLetterTemplate(
      letter(
        '<p>Dear {{contact.fristName}}</p>\n<p><a href="{{contact.custom.website}}">site</a> {{{contact.lastName}}}</p>',
      ),
      exampleContext,
    );
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['UNKNOWN_VARIABLE', 1, 11],
      ['RAW_OUTPUT', 2, 50],
    ]);
  });

  it('refuses scripts and other active content in a letter', () => {
    const result = checkLetterTemplate(
      letter('<p>Hi</p>\n<script src="https://x.example/a.js"></script>'),
      exampleContext,
    );
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'UNSAFE_CONTEXT', line: 2, column: 1 }),
    ]);
    expect(() => compileLetterTemplate(letter('<iframe></iframe>'), exampleContext)).toThrow(
      TemplateCheckError,
    );
  });

  it('wraps URL attributes in safeUrl as in emails', () => {
    const template = compileLetterTemplate(
      letter('<p><a href="{{contact.custom.website}}">site</a></p>'),
      exampleContext,
    );
    const data = sampleData(0);
    const html = template.renderLetter({
      ...data,
      contact: { ...data.contact, custom: { website: 'javascript:x' } },
    });
    expect(html).toContain('<a href="">site</a>');
    expect(account.name).toBe('Blue Aegean Travel GmbH');
  });
});
