import Handlebars from 'handlebars';
import { ExpressionChecker } from './check-expressions.js';
import { SourceText, TemplateCheckError, diagnosticAt, hasErrors } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { formatDate } from './helpers.js';
import { HtmlContextAnalyzer } from './html-context.js';
import { resolveLimits } from './limits.js';
import type { TemplateLimits } from './limits.js';
import {
  checkLine,
  compileHtml,
  compilePlain,
  fastestOf,
  prepareBody,
  sortDiagnostics,
  tidyLine,
} from './template-pipeline.js';
import { normalizeTemplateData, withoutMessage, worstCaseData } from './template-data.js';
import type { MessageData, ObjectType, TemplateData } from './template-data.js';
import type { TemplateContext } from './email-template.js';

export type PaperFormat = 'A4' | 'Letter';

export interface LetterTemplateVersion {
  readonly format: PaperFormat;
  /** One line, printed bold above the body; may use expressions. */
  readonly subject: string;
  /** HTML with Handlebars expressions: salutation, text, closing. */
  readonly body: string;
}

export interface CompiledLetterTemplate {
  readonly format: PaperFormat;
  readonly limits: TemplateLimits;
  /** One letter as a `<section>`, starting on a new page when it is not the first. */
  renderLetter(data: TemplateData, options?: { readonly date?: Date }): string;
}

export interface LetterCheckResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly template?: CompiledLetterTemplate;
}

/**
 * Where things sit on the first page, in millimetres from the top left paper
 * corner. A4 follows DIN 5008 form B: the address field of a DL or C5/6 window
 * envelope is 85 × 45 mm at 20 mm from the left and 45 mm from the top, its
 * first 17.7 mm hold the return line, and the subject starts at 98.46 mm.
 * US Letter is folded in three into a #10 window envelope (window 4½ × 1⅛ in,
 * ⅞ in from the left and ½ in above the bottom edge); folded letters settle to
 * the bottom of the envelope, so the window shows the paper from about 2 in to
 * 3⅛ in, and the address block is placed at 2⅛ in, 1 in from the left.
 */
export interface LetterGeometry {
  readonly pageSize: string;
  readonly margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  };
  readonly letterheadHeight: number;
  readonly address: {
    readonly top: number;
    readonly left: number;
    readonly width: number;
    readonly height: number;
    /** Inner padding on the left, so the text lines up with the body text. */
    readonly inset: number;
    /** Height of the zone above the recipient that holds the return line. */
    readonly returnZone: number;
  };
  readonly info: { readonly top: number; readonly left: number; readonly width: number };
  readonly subjectTop: number;
}

const INCH = 25.4;

export const LETTER_GEOMETRY: Readonly<Record<PaperFormat, LetterGeometry>> = {
  A4: {
    pageSize: 'A4',
    margin: { top: 20, right: 20, bottom: 20, left: 25 },
    letterheadHeight: 45,
    address: { top: 45, left: 20, width: 85, height: 45, inset: 5, returnZone: 17.7 },
    info: { top: 50, left: 125, width: 75 },
    subjectTop: 98.46,
  },
  Letter: {
    pageSize: 'letter',
    margin: { top: 0.5 * INCH, right: 0.75 * INCH, bottom: 0.75 * INCH, left: 1 * INCH },
    letterheadHeight: 1.75 * INCH,
    address: {
      top: 2.125 * INCH,
      left: 1 * INCH,
      width: 3.5 * INCH,
      height: 1 * INCH,
      inset: 0,
      returnZone: 0.25 * INCH,
    },
    info: { top: 2.125 * INCH, left: 5.25 * INCH, width: 2.25 * INCH },
    subjectTop: 3.5 * INCH,
  },
};

const mm = (value: number) => `${Number(value.toFixed(2))}mm`;

export function letterStyles(format: PaperFormat): string {
  const g = LETTER_GEOMETRY[format];
  // The letter's box starts at the page margin, so first-page positions are page positions minus the margin.
  const top = (value: number) => mm(value - g.margin.top);
  const left = (value: number) => mm(value - g.margin.left);
  return `@page { size: ${g.pageSize}; margin: ${mm(g.margin.top)} ${mm(g.margin.right)} ${mm(g.margin.bottom)} ${mm(g.margin.left)}; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: Helvetica, Arial, sans-serif; font-size: 11pt; line-height: 1.35; color: #000; }
.letter { position: relative; break-before: page; page-break-before: always; }
.letter:first-child { break-before: auto; page-break-before: auto; }
.letterhead { position: absolute; top: 0; right: 0; width: 80mm; height: ${top(g.letterheadHeight)}; text-align: right; font-size: 9pt; line-height: 1.3; overflow: hidden; }
.letterhead .sender-name { font-size: 14pt; font-weight: bold; margin-bottom: 2mm; }
.address-field { position: absolute; top: ${top(g.address.top)}; left: ${left(g.address.left)}; width: ${mm(g.address.width)}; height: ${mm(g.address.height)}; padding-left: ${mm(g.address.inset)}; box-sizing: border-box; overflow: hidden; }
.return-line { height: ${mm(g.address.returnZone)}; display: flex; align-items: flex-end; font-size: 7pt; white-space: nowrap; overflow: hidden; }
.return-line span { border-bottom: 0.2mm solid #000; }
.recipient { font-size: 10pt; line-height: 1.25; }
.info-block { position: absolute; top: ${top(g.info.top)}; left: ${left(g.info.left)}; width: ${mm(g.info.width)}; font-size: 10pt; }
.subject { padding-top: ${top(g.subjectTop)}; font-size: 11pt; font-weight: bold; margin: 0 0 8mm 0; }
.body p { margin: 0 0 4mm 0; }
.legal-notice { margin-top: 10mm; font-size: 8pt; color: #333; }
`;
}

const escape = (value: unknown): string => Handlebars.escapeExpression(value as string);

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Postal code after the town in these countries, and on its own line in the UK. */
const CITY_FIRST = new Set(['US', 'CA', 'AU', 'NZ', 'IE']);

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryLine(country: string, senderCountry: string): string | undefined {
  const code = country.toUpperCase();
  if (code === '' || code === senderCountry.toUpperCase()) return undefined;
  // The Universal Postal Union asks for the destination country in capitals on the last line.
  try {
    return (countryNames.of(code) ?? code).toUpperCase();
  } catch {
    return code;
  }
}

/** The recipient block as postal services expect it, one entry per line. */
export function addressLines(contact: Record<string, unknown>, senderCountry: string): string[] {
  const person = [text(contact['firstName']), text(contact['lastName'])].filter(Boolean).join(' ');
  const company = text(contact['companyName']);
  const lines: string[] = [];
  if (company && (contact['kind'] === 'company' || person === '')) lines.push(company);
  if (person) lines.push(person);
  if (company && contact['kind'] !== 'company' && person !== '') lines.push(company);
  if (text(contact['street'])) lines.push(text(contact['street']));
  const country = text(contact['country']).toUpperCase();
  const postalCode = text(contact['postalCode']);
  const city = text(contact['city']);
  if (country === 'GB') {
    if (city) lines.push(city.toUpperCase());
    if (postalCode) lines.push(postalCode);
  } else if (CITY_FIRST.has(country)) {
    const line = [city, postalCode].filter(Boolean).join(' ');
    if (line) lines.push(line);
  } else {
    const line = [postalCode, city].filter(Boolean).join(' ');
    if (line) lines.push(line);
  }
  const destination = countryLine(country, senderCountry);
  if (destination) lines.push(destination);
  return lines;
}

function senderLines(account: Record<string, unknown>): string[] {
  const place = [text(account['postalCode']), text(account['city'])].filter(Boolean).join(' ');
  return [text(account['street']), place].filter(Boolean);
}

function renderFrame(context: Record<string, unknown>, subject: string, body: string, date: Date): string {
  const contact = context['contact'] as Record<string, unknown>;
  const account = context['account'] as Record<string, unknown>;
  const senderCountry = text(account['country']);
  const returnLine = [text(account['name']), ...senderLines(account)].filter(Boolean).join(' · ');
  const recipient = addressLines(contact, senderCountry).map(escape).join('<br>');
  const contactLines = [text(account['phone']), text(account['email']), text(account['website'])].filter(
    Boolean,
  );
  const dateText = formatDate(date, 'long', { data: { root: context } });
  const place = text(account['city']);
  const language = text(contact['language']) || text(account['language']) || 'en';
  const legal = text(account['legalNotice']);
  return `<section class="letter" lang="${escape(language)}">
<header class="letterhead"><div class="sender-name">${escape(text(account['name']))}</div>${[...senderLines(account), ...contactLines].map(escape).join('<br>')}</header>
<div class="address-field"><div class="return-line"><span>${escape(returnLine)}</span></div><div class="recipient">${recipient}</div></div>
<div class="info-block"><div class="date">${escape(place ? `${place}, ${dateText}` : dateText)}</div></div>
<h1 class="subject">${escape(subject)}</h1>
<div class="body">${body}</div>
${legal ? `<footer class="legal-notice">${escape(legal)}</footer>` : ''}
</section>`;
}

/** Elements that would let a letter fetch or run something while Chromium prints it. */
const ACTIVE_CONTENT = /<\s*(script|iframe|object|embed|base|meta|link|form)\b/gi;

function checkStaticHtml(text: string, at: (offset: number, length: number) => void): void {
  for (const match of text.matchAll(ACTIVE_CONTENT)) at(match.index, match[0].length);
}

/** The save-time check and compile of a letter template; never throws on bad input. */
export function checkLetterTemplate(
  version: LetterTemplateVersion,
  context: TemplateContext,
): LetterCheckResult {
  const diagnostics: Diagnostic[] = [];
  const limits = resolveLimits(context.limits);
  try {
    const root = context.schema.root;
    if (!Object.hasOwn(LETTER_GEOMETRY, version.format)) {
      diagnostics.push(
        diagnosticAt(new SourceText('format', String(version.format)), 0, 0, {
          code: 'UNSUPPORTED_SYNTAX',
          message: 'The paper format is A4 or Letter.',
        }),
      );
    }
    const subjectAst = checkLine(
      'subject',
      String(version.subject ?? ''),
      withoutMessage(root),
      limits,
      diagnostics,
    );
    const prepared = prepareBody(String(version.body ?? ''), context.partials ?? {}, limits, diagnostics);
    if (prepared) {
      const { reporter, program } = prepared;
      new ExpressionChecker(root, limits, reporter).check(program);
      checkStaticHtml(prepared.view.text, (offset, length) =>
        reporter.atOffset(offset, length, {
          code: 'UNSAFE_CONTEXT',
          message: 'Letters cannot contain scripts, frames, forms or document-level tags.',
        }),
      );
      new HtmlContextAnalyzer((loc, init) => reporter.at(loc, init)).analyze(program);
      diagnostics.push(...reporter.diagnostics);
    }
    if (hasErrors(diagnostics) || !subjectAst || !prepared) {
      return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
    }
    const subject = compilePlain(subjectAst);
    const body = compileHtml(prepared.program);
    const render = (
      data: TemplateData | Record<string, unknown>,
      date: Date,
      normalized?: Record<string, unknown>,
    ) => {
      const message = { subject: '', preheader: '', date };
      const context = normalized ?? normalizeTemplateData(root, data, limits, message as MessageData);
      const renderedSubject = tidyLine(subject(context));
      (context['message'] as { subject: string }).subject = renderedSubject;
      return renderFrame(context, renderedSubject, body(context), date);
    };
    trialRender(render, root, limits, diagnostics);
    if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
    const template: CompiledLetterTemplate = {
      format: version.format,
      limits,
      renderLetter: (data, options = {}) => render(data, options.date ?? new Date()),
    };
    return { ok: true, diagnostics: sortDiagnostics(diagnostics), template };
  } catch (error) {
    diagnostics.push(
      diagnosticAt(new SourceText('body', ''), 0, 0, {
        code: 'INTERNAL_ERROR',
        message: `The letter could not be checked: ${(error as Error).message}`,
      }),
    );
    return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  }
}

function trialRender(
  render: (data: Record<string, unknown>, date: Date, normalized: Record<string, unknown>) => string,
  root: ObjectType,
  limits: TemplateLimits,
  diagnostics: Diagnostic[],
): void {
  const report = (code: Diagnostic['code'], message: string) =>
    diagnostics.push(diagnosticAt(new SourceText('body', ''), 0, 0, { code, message }));
  try {
    const date = new Date(Date.UTC(2030, 0, 1));
    let output = render({}, date, worstCaseData(root, limits));
    const elapsed = fastestOf(3, limits.maxRenderMillis, () => {
      output = render({}, date, worstCaseData(root, limits));
    });
    if (elapsed > limits.maxRenderMillis) {
      report('RENDER_TOO_SLOW', `With the largest data allowed, rendering took ${Math.round(elapsed)} ms.`);
    }
    if (output.length > limits.maxOutputLength) {
      report(
        'OUTPUT_TOO_LARGE',
        `With the largest data allowed, the letter is ${output.length} characters long.`,
      );
    }
  } catch (error) {
    report('RENDER_FAILED', `The letter failed on test data: ${(error as Error).message}`);
  }
}

export function compileLetterTemplate(
  version: LetterTemplateVersion,
  context: TemplateContext,
): CompiledLetterTemplate {
  const result = checkLetterTemplate(version, context);
  if (!result.ok || !result.template) throw new TemplateCheckError(result.diagnostics);
  return result.template;
}

export interface LetterDocumentOptions {
  /** The letter date; defaults to now. */
  readonly date?: Date;
  readonly title?: string;
}

/**
 * One print-ready HTML document with a letter per recipient, each starting on a
 * new page, for Chromium's page.pdf() with `preferCSSPageSize: true`.
 */
export function renderLetterHtml(
  template: CompiledLetterTemplate,
  letters: readonly TemplateData[],
  options: LetterDocumentOptions = {},
): string {
  const date = options.date ?? new Date();
  const sections = letters.map((data) => template.renderLetter(data, { date }));
  const language = letters[0]?.contact.language ?? letters[0]?.account.language ?? 'en';
  return `<!doctype html>
<html lang="${escape(language)}">
<head>
<meta charset="utf-8">
<title>${escape(options.title ?? 'Letters')}</title>
<style>
${letterStyles(template.format)}</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}
