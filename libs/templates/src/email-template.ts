import { createHash } from 'node:crypto';
import mjml2html from 'mjml';
import { ExpressionChecker } from './check-expressions.js';
import type { ExpressionSummary } from './check-expressions.js';
import {
  Reporter,
  SourceText,
  TemplateCheckError,
  TemplateRenderError,
  diagnosticAt,
  hasErrors,
} from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { parseTemplate, scanMustaches } from './handlebars-ast.js';
import type { MustacheToken, Program } from './handlebars-ast.js';
import { HtmlContextAnalyzer } from './html-context.js';
import { resolveLimits } from './limits.js';
import type { TemplateLimits } from './limits.js';
import {
  checkLine,
  compileHtml,
  compilePlain,
  prepareBody,
  sortDiagnostics,
  tidyLine,
} from './template-pipeline.js';
import type { Template } from './template-pipeline.js';
import { fastestOf } from './template-pipeline.js';
import { isHttpsUrl } from './safe-url.js';
import { normalizeTemplateData, withoutMessage, worstCaseData } from './template-data.js';
import type { MessageData, ObjectType, TemplateData, VariableSchema } from './template-data.js';
import { compileQuotedPrintableHtml } from './mime-body.js';
import { wrapQuotedPrintable } from './mime-encoding.js';
import { compileTextTemplate, htmlToPlainText, tidyText } from './text-part.js';
import type { TextTemplate } from './text-part.js';

/** One saved version of an email template, as the editor stores it. */
export interface EmailTemplateVersion {
  readonly subject: string;
  readonly preheader?: string;
  /** MJML with Handlebars expressions; may include partials and use a layout. */
  readonly mjml: string;
}

export interface TemplateContext {
  readonly schema: VariableSchema;
  /** Shared parts (header, footer, layouts) by name, as stored by the caller. */
  readonly partials?: Readonly<Record<string, string>>;
  readonly limits?: Partial<TemplateLimits>;
}

/**
 * MJML runs with these options and nothing else. Fonts are not fetched from a
 * font service (an outside request on every open, and a privacy issue), and
 * mj-include stays off because it reads files.
 */
/** Bump when a change here alters what a compiled template renders. */
const KEY_FORMAT = 'trellis-email-template/1';

export const MJML_OPTIONS = Object.freeze({
  validationLevel: 'strict' as const,
  keepComments: false,
  beautify: false,
  minify: false,
  ignoreIncludes: true,
  fonts: {},
});

export interface RenderedEmail {
  readonly subject: string;
  readonly preheader: string;
  readonly html: string;
  readonly text: string;
}

/** A rendered email as the MIME composer needs it: the HTML part already quoted-printable. */
export interface EncodedEmail {
  readonly subject: string;
  readonly preheader: string;
  readonly text: string;
  /** The HTML body, quoted-printable with CRLF line ends of at most 76 characters. */
  readonly htmlQuotedPrintable: string;
}

export interface RenderOptions {
  /** The send date, `message.date` in templates; defaults to now. */
  readonly date?: Date;
}

/**
 * A template version after MJML and Handlebars compilation. Immutable and free
 * of per-send state: keep one per template version and call render per contact.
 */
export interface CompiledEmailTemplate {
  /** MJML's HTML, expressions still in it, exactly as mjml2html returned it. */
  readonly mjmlHtml: string;
  /** Whether the text part is a compiled template or converted from each rendered HTML. */
  readonly textStrategy: 'template' | 'per-contact';
  readonly limits: TemplateLimits;
  render(data: TemplateData, options?: RenderOptions): RenderedEmail;
  /** Like render, with the HTML part encoded for MIME from pieces encoded at compile time. */
  renderEncoded(data: TemplateData, options?: RenderOptions): EncodedEmail;
}

export interface EmailCheckResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Present when ok: the check compiled it anyway. */
  readonly template?: CompiledEmailTemplate;
}

interface MjmlError {
  readonly line?: number;
  readonly message?: string;
  readonly tagName?: string;
}

async function runMjml(text: string, reporter: Reporter): Promise<string | undefined> {
  try {
    const result = await mjml2html(text, MJML_OPTIONS);
    return result.html;
  } catch (error) {
    const errors = (error as { errors?: MjmlError[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) {
      reporter.atOffset(0, 0, {
        code: 'INVALID_MJML',
        message: `MJML could not read the template: ${(error as Error).message}`,
        suggestion: 'An email body starts with <mjml> and has an <mj-body>.',
      });
      return undefined;
    }
    const view = new SourceText('assembled', text);
    for (const mjmlError of errors) {
      const line = Math.max(1, mjmlError.line ?? 1);
      const lineStart = view.lineStart(line);
      const lineEnd = text.indexOf('\n', lineStart);
      const tag = mjmlError.tagName ? text.indexOf(`<${mjmlError.tagName}`, lineStart) : -1;
      const onLine = tag !== -1 && (lineEnd === -1 || tag < lineEnd);
      reporter.atOffset(onLine ? tag : lineStart, onLine ? mjmlError.tagName!.length + 1 : 0, {
        code: 'INVALID_MJML',
        message: mjmlError.message ?? 'Invalid MJML.',
      });
    }
    return undefined;
  }
}

const DROPPED_HINT =
  'MJML keeps text only inside content tags. Put block tags that wrap sections in <mj-raw>: <mj-raw>{{#if …}}</mj-raw>.';

/**
 * Pairs each expression in MJML's output with the one it came from, to report
 * findings in the output where the author wrote them, and to notice what MJML
 * dropped (text directly inside mj-body or mj-section) or moved.
 */
function matchTokens(
  source: readonly MustacheToken[],
  output: readonly MustacheToken[],
): { readonly outputToSource: (number | undefined)[]; readonly matched: boolean[] } {
  const matched = source.map(() => false);
  const outputToSource: (number | undefined)[] = [];
  const byKey = new Map<string, number[]>();
  source.forEach((token, index) => {
    const list = byKey.get(token.key) ?? [];
    list.push(index);
    byKey.set(token.key, list);
  });
  let cursor = 0;
  for (const token of output) {
    const candidates = byKey.get(token.key) ?? [];
    // MJML reorders attributes and repeats some values (title, preview), so prefer an
    // unmatched occurrence ahead, then any unmatched one, then a repeat.
    const chosen =
      candidates.find((index) => index >= cursor && !matched[index]) ??
      candidates.find((index) => !matched[index]) ??
      candidates.find((index) => index >= cursor) ??
      candidates[0];
    if (chosen !== undefined && chosen >= cursor) cursor = chosen + 1;
    outputToSource.push(chosen);
    if (chosen !== undefined) matched[chosen] = true;
  }
  return { outputToSource, matched };
}

function isStructural(token: MustacheToken): boolean {
  return token.kind === 'open' || token.kind === 'else' || token.kind === 'close';
}

interface BodyResult {
  readonly html?: string;
  readonly program?: Program;
  readonly summary?: ExpressionSummary;
}

async function checkBody(
  version: EmailTemplateVersion,
  context: TemplateContext,
  limits: TemplateLimits,
  diagnostics: Diagnostic[],
): Promise<BodyResult> {
  const prepared = prepareBody(version.mjml, context.partials ?? {}, limits, diagnostics);
  if (!prepared) return {};
  const { reporter, view } = prepared;
  const text = view.text;
  const summary = new ExpressionChecker(context.schema.root, limits, reporter).check(prepared.program);
  const html = await runMjml(text, reporter);
  if (html === undefined || hasErrors(reporter.diagnostics)) {
    diagnostics.push(...reporter.diagnostics);
    return {};
  }

  const sourceTokens = scanMustaches(text).filter(
    (token) => token.kind !== 'comment' && token.kind !== 'partial',
  );
  const outputTokens = scanMustaches(html).filter((token) => token.kind !== 'comment');
  const { outputToSource, matched } = matchTokens(sourceTokens, outputTokens);
  sourceTokens.forEach((token, index) => {
    if (!matched[index]) {
      reporter.atOffset(token.start, token.end - token.start, {
        code: 'EXPRESSION_DROPPED',
        message: 'MJML removed this expression from the HTML.',
        suggestion: DROPPED_HINT,
      });
    }
  });
  if (!hasErrors(reporter.diagnostics)) {
    const sourceBlocks = sourceTokens.filter(isStructural);
    const outputBlocks = outputTokens.filter(isStructural);
    const differs = sourceBlocks.findIndex((token, index) => outputBlocks[index]?.key !== token.key);
    if (differs !== -1 || outputBlocks.length !== sourceBlocks.length) {
      const token = sourceBlocks[differs === -1 ? sourceBlocks.length - 1 : differs];
      reporter.atOffset(token?.start ?? 0, token ? token.end - token.start : 0, {
        code: 'BLOCK_MOVED',
        message: 'MJML moved this block tag, so the block no longer wraps what it wraps in the template.',
        suggestion: DROPPED_HINT,
      });
    }
  }
  if (hasErrors(reporter.diagnostics)) {
    diagnostics.push(...reporter.diagnostics);
    return {};
  }

  const compiled = parseTemplate(html);
  if (!compiled.ok) {
    reporter.atOffset(0, 0, {
      code: 'BLOCK_MOVED',
      message: `MJML's output is no longer a valid template: ${compiled.message}`,
    });
    diagnostics.push(...reporter.diagnostics);
    return {};
  }
  const outputView = new SourceText('html', html);
  const tokenAt = (offset: number): number | undefined => {
    const index = outputTokens.findIndex((token) => token.start <= offset && offset < token.end);
    return index === -1 ? undefined : outputToSource[index];
  };
  const analyzer = new HtmlContextAnalyzer((loc, init) => {
    const sourceIndex = tokenAt(outputView.offsetOf(loc.start.line, loc.start.column));
    const token = sourceIndex === undefined ? undefined : sourceTokens[sourceIndex];
    reporter.atOffset(token?.start ?? 0, token ? token.end - token.start : 0, init);
  });
  const contexts = analyzer.analyze(compiled.ast);
  if (!contexts.unsubscribeLinked) {
    const bodyEnd = text.lastIndexOf('</mj-body>');
    reporter.atOffset(bodyEnd === -1 ? 0 : bodyEnd, bodyEnd === -1 ? 0 : 10, {
      code: 'MISSING_UNSUBSCRIBE_LINK',
      message: 'Every email needs an unsubscribe link that is not inside a condition or loop.',
      suggestion: '<a href="{{links.unsubscribe}}">Unsubscribe</a>, e.g. in the shared footer.',
    });
  }
  diagnostics.push(...reporter.diagnostics);
  return { html, program: compiled.ast, summary };
}

interface Parts {
  readonly subject: Template;
  readonly preheader: Template;
  readonly html: Template;
  readonly htmlQuotedPrintable: Template;
  readonly text: TextTemplate | undefined;
}

interface Prepared {
  readonly context: Record<string, unknown>;
  readonly subject: string;
  readonly preheader: string;
}

/** The data rebuilt along the schema, with subject and preheader rendered into `message`. */
function prepare(
  parts: Parts,
  root: ObjectType,
  limits: TemplateLimits,
  data: TemplateData | Record<string, unknown>,
  date: Date,
  normalized?: Record<string, unknown>,
): Prepared {
  const message = { subject: '', preheader: '', date } as { subject: string; preheader: string; date: Date };
  const context = normalized ?? normalizeTemplateData(root, data, limits, message as MessageData);
  const contextMessage = context['message'] as { subject: string; preheader: string };
  const subject = tidyLine(parts.subject(context));
  const preheader = tidyLine(parts.preheader(context));
  contextMessage.subject = subject;
  contextMessage.preheader = preheader;
  return { context, subject, preheader };
}

function renderParts(
  parts: Parts,
  root: ObjectType,
  limits: TemplateLimits,
  data: TemplateData | Record<string, unknown>,
  date: Date,
  normalized?: Record<string, unknown>,
): RenderedEmail {
  const { context, subject, preheader } = prepare(parts, root, limits, data, date, normalized);
  const html = parts.html(context);
  const text = parts.text ? tidyText(parts.text(context)) : htmlToPlainText(html);
  return { subject, preheader, html, text };
}

function renderEncodedParts(
  parts: Parts,
  root: ObjectType,
  limits: TemplateLimits,
  data: TemplateData,
  date: Date,
): EncodedEmail {
  const { context, subject, preheader } = prepare(parts, root, limits, data, date);
  const htmlQuotedPrintable = wrapQuotedPrintable(parts.htmlQuotedPrintable(context));
  const text = parts.text ? tidyText(parts.text(context)) : htmlToPlainText(parts.html(context));
  return { subject, preheader, text, htmlQuotedPrintable };
}

function trialRender(
  parts: Parts,
  root: ObjectType,
  limits: TemplateLimits,
  diagnostics: Diagnostic[],
): void {
  const body = new SourceText('body', '');
  const report = (code: Diagnostic['code'], message: string) =>
    diagnostics.push(diagnosticAt(body, 0, 0, { code, message }));
  try {
    const worst = () => {
      const data = worstCaseData(root, limits);
      (data['message'] as Record<string, unknown>)['date'] = new Date(Date.UTC(2030, 0, 1));
      return data;
    };
    // The first calls also run Handlebars' code generation; it is not what a send pays.
    parts.htmlQuotedPrintable(worst());
    let rendered = renderParts(parts, root, limits, {}, new Date(0), worst());
    const elapsed = fastestOf(3, limits.maxRenderMillis, () => {
      rendered = renderParts(parts, root, limits, {}, new Date(0), worst());
    });
    if (elapsed > limits.maxRenderMillis) {
      report(
        'RENDER_TOO_SLOW',
        `With the largest data allowed, rendering took ${Math.round(elapsed)} ms (limit ${limits.maxRenderMillis} ms). Reduce loops over lists.`,
      );
    }
    if (rendered.html.length > limits.maxOutputLength) {
      report(
        'OUTPUT_TOO_LARGE',
        `With the largest data allowed, the email is ${rendered.html.length} characters long (limit ${limits.maxOutputLength}).`,
      );
    }
  } catch (error) {
    report('RENDER_FAILED', `The template failed on test data: ${(error as Error).message}`);
  }
}

function assertSendable(data: TemplateData): void {
  if (typeof data?.links?.unsubscribe !== 'string' || !isHttpsUrl(data.links.unsubscribe)) {
    throw new TemplateRenderError('INVALID_SEND_DATA', 'links.unsubscribe must be an https URL');
  }
}

/**
 * Everything the save-time check does, and the compile when it passes: the
 * check and the compile are one code path, so a version that passes the check
 * is exactly what renders at send time. Never throws on bad input.
 */
export async function checkEmailTemplate(
  version: EmailTemplateVersion,
  context: TemplateContext,
): Promise<EmailCheckResult> {
  const diagnostics: Diagnostic[] = [];
  const limits = resolveLimits(context.limits);
  try {
    const root = context.schema.root;
    const lineRoot = withoutMessage(root);
    const subjectAst = checkLine('subject', String(version.subject ?? ''), lineRoot, limits, diagnostics);
    const preheaderAst = checkLine(
      'preheader',
      String(version.preheader ?? ''),
      lineRoot,
      limits,
      diagnostics,
    );
    const body = await checkBody(version, context, limits, diagnostics);
    if (
      body.summary &&
      (version.preheader ?? '').trim() !== '' &&
      !body.summary.paths.has('message.preheader')
    ) {
      diagnostics.push(
        diagnosticAt(new SourceText('preheader', version.preheader ?? ''), 0, 0, {
          code: 'UNUSED_PREHEADER',
          severity: 'warning',
          message: 'The body never shows the preheader.',
          suggestion: '<mj-preview>{{message.preheader}}</mj-preview> in <mj-head>.',
        }),
      );
    }
    if (hasErrors(diagnostics) || !subjectAst || !preheaderAst || !body.program || body.html === undefined) {
      return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
    }
    const parts: Parts = {
      subject: compilePlain(subjectAst),
      preheader: compilePlain(preheaderAst),
      text: compileTextTemplate(body.program),
      html: compileHtml(body.program),
      htmlQuotedPrintable: compileQuotedPrintableHtml(body.program),
    };
    trialRender(parts, root, limits, diagnostics);
    if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
    const template: CompiledEmailTemplate = {
      mjmlHtml: body.html,
      textStrategy: parts.text ? 'template' : 'per-contact',
      limits,
      render(data: TemplateData, options: RenderOptions = {}): RenderedEmail {
        assertSendable(data);
        return renderParts(parts, root, limits, data, options.date ?? new Date());
      },
      renderEncoded(data: TemplateData, options: RenderOptions = {}): EncodedEmail {
        assertSendable(data);
        return renderEncodedParts(parts, root, limits, data, options.date ?? new Date());
      },
    };
    return { ok: true, diagnostics: sortDiagnostics(diagnostics), template };
  } catch (error) {
    diagnostics.push(
      diagnosticAt(new SourceText('body', ''), 0, 0, {
        code: 'INTERNAL_ERROR',
        message: `The template could not be checked: ${(error as Error).message}`,
      }),
    );
    return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  }
}

/**
 * A cache key for a compiled version: the same key means the same compiled
 * template, because it covers everything compilation reads (sources, partials,
 * schema, limits). KEY_FORMAT is bumped when the library's output changes.
 */
export function emailTemplateKey(version: EmailTemplateVersion, context: TemplateContext): string {
  const partials = Object.entries(context.partials ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      JSON.stringify([
        KEY_FORMAT,
        version.subject,
        version.preheader ?? '',
        version.mjml,
        partials,
        context.schema.customFields,
        resolveLimits(context.limits),
      ]),
    )
    .digest('hex');
}

/** Compiles a version for sending; throws TemplateCheckError with the diagnostics when it does not pass. */
export async function compileEmailTemplate(
  version: EmailTemplateVersion,
  context: TemplateContext,
): Promise<CompiledEmailTemplate> {
  const result = await checkEmailTemplate(version, context);
  if (!result.ok || !result.template) throw new TemplateCheckError(result.diagnostics);
  return result.template;
}
