/** Stable codes; callers (editor, API) may branch on them, so never rename one. */
export type DiagnosticCode =
  | 'TEMPLATE_TOO_LARGE'
  | 'SYNTAX_ERROR'
  | 'UNSUPPORTED_SYNTAX'
  | 'UNKNOWN_VARIABLE'
  | 'FORBIDDEN_PROPERTY'
  | 'UNKNOWN_HELPER'
  | 'HELPER_ARGUMENTS'
  | 'RAW_OUTPUT'
  | 'NOT_PRINTABLE'
  | 'NOT_A_LIST'
  | 'NOT_AN_OBJECT'
  | 'NESTING_TOO_DEEP'
  | 'UNKNOWN_PARTIAL'
  | 'PARTIAL_CYCLE'
  | 'PARTIAL_ARGUMENTS'
  | 'INVALID_MJML'
  | 'EXPRESSION_DROPPED'
  | 'BLOCK_MOVED'
  | 'UNSAFE_CONTEXT'
  | 'UNSAFE_URL_POSITION'
  | 'BLOCK_CHANGES_HTML_CONTEXT'
  | 'MISSING_UNSUBSCRIBE_LINK'
  | 'UNUSED_PREHEADER'
  | 'RENDER_FAILED'
  | 'RENDER_TOO_SLOW'
  | 'OUTPUT_TOO_LARGE'
  | 'INTERNAL_ERROR';

export type Severity = 'error' | 'warning';

/**
 * One finding, positioned in the text the author edited: `source` names it
 * (`body`, `subject`, `preheader`, `partial:<name>`), `line` and `column` are
 * 1-based, `offset` and `length` are 0-based UTF-16 indexes into that text.
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly source: string;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly length: number;
  readonly suggestion?: string;
}

export class SourceText {
  readonly name: string;
  readonly text: string;
  private readonly lineStarts: number[];

  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** Handlebars counts lines from 1 and columns from 0. */
  offsetOf(line: number, column: number): number {
    const start = this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1]!;
    return Math.min(start + Math.max(column, 0), this.text.length);
  }

  positionOf(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1]!;
  }

  lineCount(): number {
    return this.lineStarts.length;
  }
}

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly source: SourceText;
  readonly sourceOffset: number;
}

/**
 * Text assembled from pieces of several sources (a body with its partials inlined),
 * remembering where each piece came from so a finding in the assembled text can be
 * reported where the author can fix it.
 */
export class AssembledText {
  private readonly segments: Segment[] = [];
  private parts: string[] = [];
  private length = 0;
  private cached: string | undefined;

  append(source: SourceText, from: number, to: number): void {
    if (to <= from) return;
    this.segments.push({ start: this.length, end: this.length + (to - from), source, sourceOffset: from });
    this.parts.push(source.text.slice(from, to));
    this.length += to - from;
    this.cached = undefined;
  }

  appendAssembled(other: AssembledText): void {
    for (const segment of other.segments) {
      this.append(segment.source, segment.sourceOffset, segment.sourceOffset + (segment.end - segment.start));
    }
  }

  get text(): string {
    this.cached ??= this.parts.join('');
    return this.cached;
  }

  /** Where an offset of the assembled text came from; past the end maps to the last piece. */
  locate(offset: number): { source: SourceText; offset: number } | undefined {
    if (this.segments.length === 0) return undefined;
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.segments[mid]!.start <= offset) low = mid;
      else high = mid - 1;
    }
    const segment = this.segments[low]!;
    const within = Math.min(Math.max(offset - segment.start, 0), segment.end - segment.start);
    return { source: segment.source, offset: segment.sourceOffset + within };
  }
}

export interface DiagnosticInit {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly severity?: Severity;
  readonly suggestion?: string;
}

export function diagnosticAt(
  source: SourceText,
  offset: number,
  length: number,
  init: DiagnosticInit,
): Diagnostic {
  const clamped = Math.min(Math.max(offset, 0), source.text.length);
  const { line, column } = source.positionOf(clamped);
  return {
    code: init.code,
    severity: init.severity ?? 'error',
    message: init.message,
    source: source.name,
    line,
    column,
    offset: clamped,
    length: Math.max(0, Math.min(length, source.text.length - clamped)),
    ...(init.suggestion === undefined ? {} : { suggestion: init.suggestion }),
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/** Thrown by the compile functions when a template does not pass its check. */
export class TemplateCheckError extends Error {
  override readonly name = 'TemplateCheckError';
  readonly code = 'TEMPLATE_INVALID';
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((diagnostic) => diagnostic.severity === 'error') ?? diagnostics[0];
    super(
      first
        ? `template is invalid: ${first.source} ${first.line}:${first.column} ${first.code} ${first.message}`
        : 'template is invalid',
    );
    this.diagnostics = diagnostics;
  }
}

/** Thrown at render time only for inputs outside the contract (e.g. a missing unsubscribe URL). */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  readonly code: 'INVALID_SEND_DATA' | 'RENDER_FAILED';

  constructor(code: 'INVALID_SEND_DATA' | 'RENDER_FAILED', message: string) {
    super(message);
    this.code = code;
  }
}

interface SpanLike {
  readonly start: { readonly line: number; readonly column: number };
  readonly end: { readonly line: number; readonly column: number };
}

/**
 * Turns findings in a text the library works on (the body with partials inlined)
 * into diagnostics on the texts the author wrote.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly view: SourceText;
  private readonly origin: AssembledText | undefined;

  constructor(view: SourceText, origin?: AssembledText) {
    this.view = view;
    this.origin = origin;
  }

  get text(): string {
    return this.view.text;
  }

  offsetOf(position: { readonly line: number; readonly column: number }): number {
    return this.view.offsetOf(position.line, position.column);
  }

  at(span: SpanLike, init: DiagnosticInit): void {
    const start = this.offsetOf(span.start);
    const end = Math.max(start, this.offsetOf(span.end));
    this.atOffset(start, end - start, init);
  }

  atOffset(offset: number, length: number, init: DiagnosticInit): void {
    const located = this.origin?.locate(offset);
    if (located) {
      const available = located.source.text.length - located.offset;
      this.diagnostics.push(diagnosticAt(located.source, located.offset, Math.min(length, available), init));
    } else {
      this.diagnostics.push(diagnosticAt(this.view, offset, length, init));
    }
  }
}
