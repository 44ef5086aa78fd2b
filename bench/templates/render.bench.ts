// Personalised render up to a ready-to-send MIME message, in emails per second on
// one core, beside two baselines: MJML run per contact (the slow way) and bare
// Handlebars over the precompiled HTML (the ceiling). See README.md for how to run.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import mjml2html from 'mjml';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import {
  MJML_OPTIONS,
  compileEmailTemplate,
  createMimeComposer,
  normalizeTemplateData,
} from '../../libs/templates/src/index.js';
import type {
  CompiledEmailTemplate,
  EmailTemplateVersion,
  TemplateData,
} from '../../libs/templates/src/index.js';
import { expandPartials } from '../../libs/templates/src/partials.js';
import { SourceText } from '../../libs/templates/src/diagnostics.js';
import { createEnvironment } from '../../libs/templates/src/helpers.js';
import {
  account,
  exampleContext,
  exampleEmail,
  examplePartials,
  sampleData,
} from '../../libs/templates/test-support/fixtures.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const contacts: TemplateData[] = Array.from({ length: 1000 }, (_, index) => sampleData(index));
const from = { name: account.name, address: account.email! };

interface Row {
  readonly name: string;
  readonly perSecond: number;
  readonly note: string;
}

/** Runs `work` for each contact in turn for about `seconds`, after a warm-up; returns calls per second. */
async function measure(
  work: (data: TemplateData, index: number) => unknown,
  budgetSeconds = seconds,
): Promise<number> {
  for (let index = 0; index < 50; index++) await work(contacts[index % contacts.length]!, index);
  let count = 0;
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  while (performance.now() < deadline) {
    for (let batch = 0; batch < 20; batch++, count++) await work(contacts[count % contacts.length]!, count);
  }
  return (count / (performance.now() - started)) * 1000;
}

function measureSync(work: (data: TemplateData, index: number) => unknown, budgetSeconds = seconds): number {
  for (let index = 0; index < 200; index++) work(contacts[index % contacts.length]!, index);
  let count = 0;
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  while (performance.now() < deadline) {
    for (let batch = 0; batch < 50; batch++, count++) work(contacts[count % contacts.length]!, count);
  }
  return (count / (performance.now() - started)) * 1000;
}

async function benchTemplate(label: string, version: EmailTemplateVersion): Promise<Row[]> {
  const template: CompiledEmailTemplate = await compileEmailTemplate(version, exampleContext);
  const composer = createMimeComposer(template, { from, headers: { 'X-Campaign': 'greece-digest' } });
  const sample = template.render(contacts[0]!);
  const raw = composer.compose(contacts[0]!).raw;
  console.log(
    `\n${label}: ${Buffer.byteLength(sample.html)} bytes of HTML, ` +
      `${Buffer.byteLength(sample.text)} bytes of text, ${raw.length} bytes of MIME, ` +
      `text part: ${template.textStrategy}`,
  );

  // Ceiling: Handlebars alone over MJML's HTML, on data already prepared.
  const environment = createEnvironment();
  const bare = environment.compile(template.mjmlHtml, { knownHelpersOnly: false, data: true });
  const prepared = contacts.map((data) =>
    normalizeTemplateData(exampleContext.schema.root, data, template.limits, {
      subject: 'Subject',
      preheader: 'Preheader',
      date: new Date(),
    }),
  );
  const ceiling = measureSync((_data, index) => bare(prepared[index % prepared.length]));

  const render = measureSync((data) => template.render(data));
  const mime = measureSync((data) => composer.compose(data));

  // The slow way: Handlebars over the MJML source, then MJML, for every contact.
  const expanded = expandPartials(new SourceText('body', version.mjml), examplePartials, template.limits).text
    .text;
  const mjmlSource = environment.compile(expanded, { knownHelpersOnly: false, data: true });
  const perContactMjml = await measure(
    async (_data, index) => {
      const { html } = await mjml2html(mjmlSource(prepared[index % prepared.length]), MJML_OPTIONS);
      return html.length;
    },
    Math.min(seconds, 3),
  );

  // For comparison: nodemailer's composer on parts this library already rendered.
  const rendered = contacts.slice(0, 100).map((data) => template.render(data));
  const nodemailer = await measure(
    async (data, index) => {
      const parts = rendered[index % rendered.length]!;
      const mail = new MailComposer({
        from: `"${account.name}" <${account.email}>`,
        to: data.contact.email,
        subject: parts.subject,
        text: parts.text,
        html: parts.html,
        list: { unsubscribe: [data.links.unsubscribe, data.links.unsubscribeMailto!] },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      const message = await mail.compile().build();
      return message.length;
    },
    Math.min(seconds, 3),
  );

  return [
    {
      name: 'ceiling: bare Handlebars on precompiled HTML',
      perSecond: ceiling,
      note: 'HTML only, no text, no MIME',
    },
    { name: 'render(): subject + HTML + text part', perSecond: render, note: 'no MIME' },
    { name: 'compose(): ready-to-send MIME message', perSecond: mime, note: 'what a send pays' },
    {
      name: 'baseline: MJML per contact',
      perSecond: perContactMjml,
      note: 'Handlebars + mjml2html, no text, no MIME',
    },
    {
      name: 'reference: nodemailer MailComposer',
      perSecond: nodemailer,
      note: 'MIME only, on pre-rendered parts',
    },
  ];
}

function printRows(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(width)}  ${Math.round(row.perSecond).toLocaleString('en').padStart(9)} emails/s  (${row.note})`,
    );
  }
}

const digest: EmailTemplateVersion = {
  subject: '{{default contact.firstName "Traveller"}}, this week in Greece',
  preheader: 'Three stays with free rooms, ferries included',
  mjml: readFileSync(new URL('./greece-digest.mjml', import.meta.url), 'utf8'),
};

console.log(
  `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one thread, ${seconds} s per row`,
);
printRows(await benchTemplate('greece-digest (8 sections)', digest));
printRows(await benchTemplate('follow-up-greece example (9 sections)', exampleEmail('follow-up-greece')));
