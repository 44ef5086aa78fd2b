import { describe, expect, it } from '@jest/globals';
import {
  account,
  exampleContext,
  exampleEmail,
  exampleEmails,
  examplePartials,
  exampleSchema,
  sampleData,
} from '../test-support/fixtures.js';
import { TemplateCheckError, TemplateRenderError } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { checkEmailTemplate, compileEmailTemplate, emailTemplateKey } from './email-template.js';
import type { EmailTemplateVersion, TemplateContext } from './email-template.js';
import { parseTemplate } from './handlebars-ast.js';
import { createVariableSchema } from './template-data.js';
import { compileHtml } from './template-pipeline.js';

const FOOTER = '<mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>';

/** A minimal valid email around the given mj-column content. */
function mail(columnContent: string, extra: Partial<EmailTemplateVersion> = {}): EmailTemplateVersion {
  return {
    subject: 'Offers',
    mjml: `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        ${columnContent}
        ${FOOTER}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
    ...extra,
  };
}

const context: TemplateContext = exampleContext;

async function diagnosticsOf(
  version: EmailTemplateVersion,
  ctx: TemplateContext = context,
): Promise<Diagnostic[]> {
  const result = await checkEmailTemplate(version, ctx);
  return [...result.diagnostics];
}

async function onlyError(version: EmailTemplateVersion, ctx: TemplateContext = context): Promise<Diagnostic> {
  const errors = (await diagnosticsOf(version, ctx)).filter((diagnostic) => diagnostic.severity === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('shipped example emails', () => {
  it.each(exampleEmails.map((email) => [email.name, email] as const))(
    '%s compiles and renders a personalised mail for different contacts',
    async (_name, email) => {
      const result = await checkEmailTemplate(email, exampleContext);
      expect(result.diagnostics).toEqual([]);
      const template = result.template!;
      const first = template.render(sampleData(0), { date: new Date(Date.UTC(2026, 0, 5)) });
      const second = template.render(sampleData(1), { date: new Date(Date.UTC(2026, 0, 5)) });
      expect(first.subject).toContain('Erika');
      expect(second.subject).toContain('Jörg');
      expect(first.html).toContain('Erika');
      expect(first.html).not.toMatch(/\{\{|\}\}/);
      expect(first.html).toContain('href="https://mail.blue-aegean.example/u/t0"');
      expect(second.html).toContain('href="https://mail.blue-aegean.example/u/t1"');
      expect(first.text).toContain('Unsubscribe [https://mail.blue-aegean.example/u/t0]');
      expect(first.text).not.toMatch(/<[a-z]/i);
      expect(first.preheader).toBe(email.preheader);
      expect(first.html).toContain(email.preheader);
      expect(template.textStrategy).toBe('template');
    },
  );

  it('formats dates in the contact’s language and the shared footer shows the sender block', async () => {
    const template = await compileEmailTemplate(exampleEmail('follow-up-greece'), exampleContext);
    const german = template.render(sampleData(0));
    const english = template.render(sampleData(1));
    expect(german.text).toContain('14. Juli 2026');
    expect(english.text).toContain('14 July 2026');
    expect(german.html).toContain(`${account.street}`);
    expect(german.text).toContain('Travel offers/Greece, Travel offers/Greece/Islands');
  });

  it('the welcome mail falls back when optional data is missing', async () => {
    const template = await compileEmailTemplate(exampleEmail('welcome'), exampleContext);
    const rendered = template.render({
      contact: { email: 'new@example.org' },
      account,
      links: { unsubscribe: 'https://mail.blue-aegean.example/u/x' },
    });
    expect(rendered.subject).toBe('Welcome to Blue Aegean Travel GmbH, traveller');
    expect(rendered.text).toContain('Welcome aboard, traveller!');
    expect(rendered.text).toContain('Just reply to this email with any question');
    expect(rendered.text).not.toContain('View in your browser');
  });

  it('refuses to render without an https unsubscribe URL', async () => {
    const template = await compileEmailTemplate(exampleEmail('welcome'), exampleContext);
    const data = { ...sampleData(0), links: { unsubscribe: 'http://insecure.example/u' } };
    expect(() => template.render(data)).toThrow(TemplateRenderError);
  });
});

describe('caching compiled versions', () => {
  it('keys a version by everything its compilation reads', () => {
    const version = exampleEmail('welcome');
    const key = emailTemplateKey(version, exampleContext);
    expect(emailTemplateKey({ ...version }, { ...exampleContext })).toBe(key);
    expect(emailTemplateKey({ ...version, subject: 'Other' }, exampleContext)).not.toBe(key);
    const newFooter = { ...examplePartials, footer: `${examplePartials['footer']} ` };
    expect(emailTemplateKey(version, { ...exampleContext, partials: newFooter })).not.toBe(key);
    const otherSchema = createVariableSchema([{ key: 'travelDate', type: 'text' }]);
    expect(emailTemplateKey(version, { ...exampleContext, schema: otherSchema })).not.toBe(key);
  });
});

describe('partials, layouts and the strict mode', () => {
  it('inlines a partial before MJML so the partial can hold sections', async () => {
    const result = await checkEmailTemplate(
      {
        subject: 'Hi',
        mjml: '<mjml><mj-body>{{> header}}<mj-section><mj-column><mj-text>Body</mj-text></mj-column></mj-section>{{> footer}}</mj-body></mjml>',
      },
      { schema: exampleSchema, partials: examplePartials },
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.template!.render(sampleData(0)).html).toContain('Blue Aegean Travel GmbH');
  });

  it('reports an unknown variable inside a partial at its place in the partial', async () => {
    const partials = {
      ...examplePartials,
      promo:
        '<mj-section>\n  <mj-column>\n    <mj-text>{{contact.nickname}}</mj-text>\n  </mj-column>\n</mj-section>',
    };
    const result = await checkEmailTemplate(
      { subject: 'Hi', mjml: '<mjml><mj-body>{{> promo}}{{> footer}}</mj-body></mjml>' },
      { schema: exampleSchema, partials },
    );
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE', source: 'partial:promo', line: 3, column: 16 }),
    ]);
  });

  it('reports unknown partials, partial arguments and cycles with positions', async () => {
    const cyclic = { ...examplePartials, loop: '{{> loop}}' };
    const missing = await onlyError(mail('{{> sidebar}}'));
    expect(missing).toMatchObject({ code: 'UNKNOWN_PARTIAL', source: 'body', line: 5, column: 9 });
    expect(missing.suggestion).toContain('footer');
    expect(await onlyError(mail('{{> footer title="x"}}'))).toMatchObject({
      code: 'PARTIAL_ARGUMENTS',
      line: 5,
    });
    const cycle = await onlyError(mail('{{> loop}}'), { schema: exampleSchema, partials: cyclic });
    expect(cycle).toMatchObject({ code: 'PARTIAL_CYCLE', source: 'partial:loop', line: 1, column: 1 });
  });

  it('Handlebars runs strict: a printed path missing from the data throws, a helper argument does not', () => {
    const parsed = parseTemplate('{{contact.firstName}}|{{default contact.nickname "friend"}}');
    if (!parsed.ok) throw new Error(parsed.message);
    const template = compileHtml(parsed.ast);
    expect(() => template({ contact: {} })).toThrow(/"firstName" not defined/);
    expect(template({ contact: { firstName: null } })).toBe('|friend');
    expect(template({ contact: { firstName: 'Ana' } })).toBe('Ana|friend');
  });

  it('lets a missing value fall back through default because data is rebuilt along the schema', async () => {
    // Deliberate choice: partials are inlined at compile time, so there is no runtime
    // partial lookup under `strict`; data is rebuilt along the schema, so a path the
    // checker accepted always exists (null when unknown) and `default` sees null.
    const template = await compileEmailTemplate(
      mail('<mj-text>{{default contact.custom.website "no site"}} / {{contact.firstName}}!</mj-text>'),
      context,
    );
    const rendered = template.render({
      contact: { email: 'a@example.org' },
      account,
      links: { unsubscribe: 'https://x.example/u' },
    });
    expect(rendered.text).toContain('no site / !');
  });
});

describe('positioned errors', () => {
  it('an unknown variable, with the closest known name as suggestion', async () => {
    const error = await onlyError(mail('<mj-text>Hello {{contact.frstName}}</mj-text>'));
    expect(error).toMatchObject({
      code: 'UNKNOWN_VARIABLE',
      source: 'body',
      line: 5,
      column: 26,
      length: 16,
    });
    expect(error.suggestion).toContain('firstName');
  });

  it('an unknown custom field is checked against the account’s field schema', async () => {
    const schema = createVariableSchema([{ key: 'shoeSize', type: 'number' }]);
    expect(await diagnosticsOf(mail('<mj-text>{{contact.custom.shoeSize}}</mj-text>'), { schema })).toEqual(
      [],
    );
    const error = await onlyError(mail('<mj-text>{{contact.custom.hatSize}}</mj-text>'), { schema });
    expect(error).toMatchObject({ code: 'UNKNOWN_VARIABLE', line: 5, column: 20 });
  });

  it('an unknown helper', async () => {
    const error = await onlyError(mail('<mj-text>{{uppercase contact.firstName}}</mj-text>'));
    expect(error).toMatchObject({ code: 'UNKNOWN_HELPER', line: 5, column: 20 });
    expect(error.suggestion).toContain('upper');
  });

  it('wrong helper arguments', async () => {
    const error = await onlyError(
      mail('<mj-text>{{formatDate contact.custom.travelDate "longest"}}</mj-text>'),
    );
    expect(error).toMatchObject({ code: 'HELPER_ARGUMENTS', line: 5 });
    const wrongType = await onlyError(mail('<mj-text>{{formatCurrency contact.firstName "EUR"}}</mj-text>'));
    expect(wrongType).toMatchObject({ code: 'HELPER_ARGUMENTS', line: 5, column: 35 });
  });

  it('invalid MJML under strict validation, at the offending tag', async () => {
    const error = await onlyError(
      mail('<mj-text>ok</mj-text>\n        <mj-image src="https://x.example/a.png" width="wide" />'),
    );
    expect(error).toMatchObject({ code: 'INVALID_MJML', line: 6, column: 9 });
    expect(error.message).toContain('width');
    const unknownTag = await onlyError(mail('<mj-txt>typo</mj-txt>'));
    expect(unknownTag).toMatchObject({ code: 'INVALID_MJML', line: 5, column: 9 });
  });

  it('a Handlebars syntax error', async () => {
    const error = await onlyError(mail('<mj-text>{{#if contact.firstName}}Hi</mj-text>'));
    expect(error.code).toBe('SYNTAX_ERROR');
    const unclosed = await onlyError(mail('<mj-text>{{contact.firstName</mj-text>'));
    expect(unclosed).toMatchObject({ code: 'SYNTAX_ERROR', line: 5 });
  });

  it('triple-stash raw output', async () => {
    const error = await onlyError(mail('<mj-text>{{{contact.firstName}}}</mj-text>'));
    expect(error).toMatchObject({ code: 'RAW_OUTPUT', line: 5, column: 18 });
    expect((await onlyError(mail('<mj-text>{{& contact.firstName}}</mj-text>'))).code).toBe('RAW_OUTPUT');
  });

  it('prototype access', async () => {
    for (const expression of ['{{constructor}}', '{{contact.__proto__}}', '{{contact.constructor.name}}']) {
      const error = await onlyError(mail(`<mj-text>${expression}</mj-text>`));
      expect(error).toMatchObject({ code: 'FORBIDDEN_PROPERTY', line: 5, column: 20 });
    }
    expect((await onlyError(mail('<mj-text>{{lookup contact "email"}}</mj-text>'))).code).toBe(
      'UNKNOWN_HELPER',
    );
  });

  it('expressions in places where escaping does not protect', async () => {
    const cases: [string, string][] = [
      ['<mj-text><span style="color: {{contact.custom.travelStyle}}">x</span></mj-text>', 'UNSAFE_CONTEXT'],
      ['<mj-text><span onclick="go({{contact.email}})">x</span></mj-text>', 'UNSAFE_CONTEXT'],
      ['<mj-text><span title={{contact.email}}>x</span></mj-text>', 'UNSAFE_CONTEXT'],
      ['<mj-text><{{contact.firstName}}>x</mj-text>', 'UNSAFE_CONTEXT'],
      ['<mj-text><a href="java{{contact.custom.website}}">x</a></mj-text>', 'UNSAFE_URL_POSITION'],
      ['<mj-text><a href="javascript:{{contact.custom.website}}">x</a></mj-text>', 'UNSAFE_URL_POSITION'],
      ['<mj-text><a href=" JavaScript:go(\'{{contact.email}}\')">x</a></mj-text>', 'UNSAFE_URL_POSITION'],
      ['<mj-text><a href="data:text/html,{{contact.firstName}}">x</a></mj-text>', 'UNSAFE_URL_POSITION'],
      ['<mj-raw><script>var x = "{{contact.email}}";</script></mj-raw>', 'UNSAFE_CONTEXT'],
    ];
    for (const [content, code] of cases) {
      expect(await onlyError(mail(content))).toMatchObject({ code, source: 'body', line: 5 });
    }
    // After a fixed http(s), mailto or tel scheme a value is only part of the address.
    for (const link of [
      'mailto:{{contact.email}}',
      'tel:{{contact.phone}}',
      'https://x.example/?r={{contact.email}}',
    ]) {
      expect(await diagnosticsOf(mail(`<mj-text><a href="${link}">x</a></mj-text>`))).toEqual([]);
    }
  });

  it('a block that changes the HTML context depending on data', async () => {
    const error = await onlyError(
      mail('<mj-text>{{#if contact.firstName}}<a href="{{/if}}https://x.example/">x</a></mj-text>'),
    );
    expect(error).toMatchObject({ code: 'BLOCK_CHANGES_HTML_CONTEXT', line: 5, column: 18 });
    // Opening and closing an element inside a block is fine: escaping depends on the tokenizer state only.
    expect(await diagnosticsOf(mail('<mj-text>{{#if contact.firstName}}<b>{{/if}}bold?</mj-text>'))).toEqual(
      [],
    );
  });

  it('an expression MJML would drop, with the mj-raw hint', async () => {
    const version: EmailTemplateVersion = {
      subject: 'Hi',
      mjml: `<mjml>
  <mj-body>
    {{#if contact.firstName}}
    <mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>
    {{/if}}
    <mj-section><mj-column>${FOOTER}</mj-column></mj-section>
  </mj-body>
</mjml>`,
    };
    const diagnostics = await diagnosticsOf(version);
    expect(diagnostics[0]).toMatchObject({ code: 'EXPRESSION_DROPPED', line: 3, column: 5 });
    expect(diagnostics[0]!.suggestion).toContain('mj-raw');
    const fixed = version.mjml.replace(
      '{{#if contact.firstName}}',
      '<mj-raw>{{#if contact.firstName}}</mj-raw>',
    );
    const working = fixed.replace('    {{/if}}', '    <mj-raw>{{/if}}</mj-raw>');
    const result = await checkEmailTemplate({ ...version, mjml: working }, context);
    expect(result.diagnostics).toEqual([]);
    const withoutName = result.template!.render({ ...sampleData(0), contact: { email: 'a@example.org' } });
    expect(result.template!.render(sampleData(0)).text).toContain('Hi');
    expect(withoutName.text).not.toContain('Hi');
  });

  it('a missing or conditional unsubscribe link', async () => {
    const bare: EmailTemplateVersion = {
      subject: 'Hi',
      mjml: '<mjml>\n<mj-body>\n<mj-section><mj-column><mj-text>No way out</mj-text></mj-column></mj-section>\n</mj-body>\n</mjml>',
    };
    expect(await onlyError(bare)).toMatchObject({ code: 'MISSING_UNSUBSCRIBE_LINK', line: 4, column: 1 });
    const conditional = bare.mjml.replace(
      'No way out',
      '{{#if contact.email}}<a href="{{links.unsubscribe}}">Unsubscribe</a>{{/if}}',
    );
    expect((await onlyError({ ...bare, mjml: conditional })).code).toBe('MISSING_UNSUBSCRIBE_LINK');
  });

  it('errors in subject and preheader name their source', async () => {
    const diagnostics = await diagnosticsOf(
      mail('<mj-text>x</mj-text>', {
        subject: 'Hi {{contact.name}}',
        preheader: '{{#each contact.email}}x{{/each}}',
      }),
    );
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.source, d.code, d.line, d.column])).toEqual([
      ['subject', 'UNKNOWN_VARIABLE', 1, 6],
      ['preheader', 'NOT_A_LIST', 1, 9],
    ]);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ code: 'UNUSED_PREHEADER', severity: 'warning', source: 'preheader' }),
    );
  });

  it('size limits', async () => {
    const big = mail(`<mj-text>${'x'.repeat(2000)}</mj-text>`);
    expect(await onlyError(big, { ...context, limits: { maxSourceLength: 1000 } })).toMatchObject({
      code: 'TEMPLATE_TOO_LARGE',
      line: 1,
      column: 1,
    });
    const subject = await onlyError(mail('<mj-text>x</mj-text>', { subject: 's'.repeat(600) }));
    expect(subject).toMatchObject({ code: 'TEMPLATE_TOO_LARGE', source: 'subject' });
  });

  it('render time and output size on the largest data the limits admit', async () => {
    const nested = mail(
      '<mj-text>{{#each contact.groups as |group|}}{{#each ../contact.tags as |tag|}}{{group}} {{tag}} {{/each}}{{/each}}</mj-text>',
    );
    // 100 groups × 100 tags × 1,000 characters: the check refuses what a send could not afford.
    const codes = (await diagnosticsOf(nested)).map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['RENDER_TOO_SLOW', 'OUTPUT_TOO_LARGE']));
    const smallData = { maxListItems: 10, maxStringLength: 50 };
    expect(await diagnosticsOf(nested, { ...context, limits: smallData })).toEqual([]);
    const slow = await diagnosticsOf(nested, {
      ...context,
      limits: { ...smallData, maxRenderMillis: 0.0001 },
    });
    expect(slow.map((d) => d.code)).toEqual(['RENDER_TOO_SLOW']);
    const large = await diagnosticsOf(nested, {
      ...context,
      limits: { ...smallData, maxOutputLength: 10_000 },
    });
    expect(large.map((d) => d.code)).toEqual(['OUTPUT_TOO_LARGE']);
    const deep = mail(
      '<mj-text>{{#each contact.groups}}{{#each ../contact.tags}}{{#each ../../contact.tags}}x{{/each}}{{/each}}{{/each}}</mj-text>',
    );
    expect((await onlyError(deep)).code).toBe('NESTING_TOO_DEEP');
    const outerThis = mail(
      '<mj-text>{{#each contact.groups}}{{#each ../contact.tags}}{{../this}}{{/each}}{{/each}}</mj-text>',
    );
    expect((await onlyError(outerThis)).code).toBe('UNSUPPORTED_SYNTAX');
  });

  it('never throws on bad input, and compile throws a TemplateCheckError with the diagnostics', async () => {
    const garbage = { subject: 42, mjml: 'not mjml at all {{' } as unknown as EmailTemplateVersion;
    const result = await checkEmailTemplate(garbage, context);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    await expect(compileEmailTemplate(garbage, context)).rejects.toBeInstanceOf(TemplateCheckError);
    const notMjml = await onlyError({ subject: 'x', mjml: '<p>{{links.unsubscribe}}</p>' });
    expect(notMjml.code).toBe('INVALID_MJML');
  });
});
