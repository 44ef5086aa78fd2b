import { AssembledText, SourceText, diagnosticAt } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { parseTemplate } from './handlebars-ast.js';
import type { PartialBlockStatement, PartialStatement, Program, Statement } from './handlebars-ast.js';
import type { TemplateLimits } from './limits.js';

type PartialNode = PartialStatement | PartialBlockStatement;

const PARTIAL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Partials found in a program, not looking inside a partial block (its content is expanded on its own). */
function collectPartials(program: Program, into: PartialNode[] = []): PartialNode[] {
  const visit = (body: Statement[]): void => {
    for (const statement of body) {
      if (statement.type === 'PartialStatement' || statement.type === 'PartialBlockStatement') {
        into.push(statement);
      } else if (statement.type === 'BlockStatement' || statement.type === 'DecoratorBlock') {
        visit(statement.program?.body ?? []);
        if (statement.inverse) visit(statement.inverse.body);
      }
    }
  };
  visit(program.body);
  return into;
}

export function syntaxDiagnostic(
  source: SourceText,
  line: number,
  column: number,
  message: string,
): Diagnostic {
  return diagnosticAt(source, source.offsetOf(line, column), 2, { code: 'SYNTAX_ERROR', message });
}

interface ExpandState {
  readonly partials: Readonly<Record<string, string>>;
  readonly limits: TemplateLimits;
  readonly diagnostics: Diagnostic[];
  readonly files: Map<string, { source: SourceText; program: Program | undefined }>;
}

/**
 * Partials and layouts are inlined as text before MJML runs, because a shared
 * header is MJML markup (`<mj-section>`) that must be laid out with the rest.
 * `{{> name}}` includes a partial; `{{#> layout}}…{{/layout}}` wraps content in
 * a layout whose `{{> @partial-block}}` marks where it goes. Inlined text is
 * checked like the body, so a partial cannot introduce anything the checker
 * would refuse; there is no runtime partial lookup to fail at send time.
 */
export function expandPartials(
  body: SourceText,
  partials: Readonly<Record<string, string>>,
  limits: TemplateLimits,
): { text: AssembledText; diagnostics: Diagnostic[] } {
  const state: ExpandState = { partials, limits, diagnostics: [], files: new Map() };
  const parsed = parseTemplate(body.text);
  const text = new AssembledText();
  if (!parsed.ok) {
    state.diagnostics.push(syntaxDiagnostic(body, parsed.line, parsed.column, parsed.message));
    text.append(body, 0, body.text.length);
    return { text, diagnostics: state.diagnostics };
  }
  expandRange(state, body, 0, body.text.length, collectPartials(parsed.ast), [], undefined, text);
  return { text, diagnostics: state.diagnostics };
}

function loadPartial(state: ExpandState, name: string): { source: SourceText; program: Program | undefined } {
  let file = state.files.get(name);
  if (!file) {
    const source = new SourceText(`partial:${name}`, normalizeNewlines(state.partials[name]!));
    let program: Program | undefined;
    if (source.text.length > state.limits.maxSourceLength) {
      state.diagnostics.push(
        diagnosticAt(source, 0, 0, {
          code: 'TEMPLATE_TOO_LARGE',
          message: `The partial is longer than ${state.limits.maxSourceLength} characters.`,
        }),
      );
    } else {
      const parsed = parseTemplate(source.text);
      if (parsed.ok) program = parsed.ast;
      else state.diagnostics.push(syntaxDiagnostic(source, parsed.line, parsed.column, parsed.message));
    }
    file = { source, program };
    state.files.set(name, file);
  }
  return file;
}

function expandRange(
  state: ExpandState,
  source: SourceText,
  from: number,
  to: number,
  nodes: readonly PartialNode[],
  stack: readonly string[],
  partialBlock: AssembledText | undefined,
  into: AssembledText,
): void {
  let cursor = from;
  const ordered = [...nodes].sort(
    (a, b) => a.loc.start.line - b.loc.start.line || a.loc.start.column - b.loc.start.column,
  );
  for (const node of ordered) {
    const start = source.offsetOf(node.loc.start.line, node.loc.start.column);
    const end = source.offsetOf(node.loc.end.line, node.loc.end.column);
    if (start < cursor || end > to) continue;
    into.append(source, cursor, start);
    cursor = end;
    const replacement = expandPartialNode(state, source, node, start, end, stack, partialBlock);
    // A partial that cannot be inlined is left out; its diagnostic already stops the compile.
    if (replacement) into.appendAssembled(replacement);
  }
  into.append(source, cursor, to);
}

function expandPartialNode(
  state: ExpandState,
  source: SourceText,
  node: PartialNode,
  start: number,
  end: number,
  stack: readonly string[],
  partialBlock: AssembledText | undefined,
): AssembledText | undefined {
  const report = (code: Diagnostic['code'], message: string, suggestion?: string): undefined => {
    state.diagnostics.push(diagnosticAt(source, start, end - start, { code, message, suggestion }));
    return undefined;
  };
  if (node.name.type !== 'PathExpression') {
    return report('UNSUPPORTED_SYNTAX', 'A partial is named literally: {{> footer}}, not computed.');
  }
  if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) {
    return report(
      'PARTIAL_ARGUMENTS',
      'Partials take no arguments: they see the same data as the template.',
      `{{> ${node.name.original}}}`,
    );
  }
  const name = node.name.original;
  if (name === '@partial-block') {
    if (node.type === 'PartialStatement' && partialBlock) {
      const copy = new AssembledText();
      copy.appendAssembled(partialBlock);
      return copy;
    }
    return report(
      'UNKNOWN_PARTIAL',
      '{{> @partial-block}} only works inside a layout used as {{#> layout}}…{{/layout}}.',
    );
  }
  if (!PARTIAL_NAME.test(name) || !Object.hasOwn(state.partials, name)) {
    const known = Object.keys(state.partials).sort();
    return report(
      'UNKNOWN_PARTIAL',
      `There is no partial or layout named "${name}".`,
      known.length > 0 ? `Available: ${known.join(', ')}` : undefined,
    );
  }
  if (stack.includes(name)) {
    return report(
      'PARTIAL_CYCLE',
      `The partial "${name}" includes itself (${[...stack, name].join(' → ')}).`,
    );
  }
  if (stack.length >= state.limits.maxPartialDepth) {
    return report('PARTIAL_CYCLE', `Partials are nested more than ${state.limits.maxPartialDepth} deep.`);
  }
  const file = loadPartial(state, name);
  if (!file.program) return new AssembledText();
  let block: AssembledText | undefined;
  if (node.type === 'PartialBlockStatement') {
    // The content sits between the end of `{{#> layout}}` and the start of `{{/layout}}`.
    const openEnd = source.text.indexOf('}}', start) + 2;
    const closeStart = source.text.lastIndexOf('{{', end - 2);
    block = new AssembledText();
    expandRange(
      state,
      source,
      openEnd,
      closeStart,
      collectPartials(node.program),
      stack,
      partialBlock,
      block,
    );
  }
  const expanded = new AssembledText();
  expandRange(
    state,
    file.source,
    0,
    file.source.text.length,
    collectPartials(file.program),
    [...stack, name],
    block,
    expanded,
  );
  return expanded;
}

/** Positions are reported in the text as stored, with line breaks counted once. */
export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}
