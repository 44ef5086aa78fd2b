import type { IToken } from 'chevrotain';
import type { Program } from './ast.js';
import { toProgram } from './cst-to-ast.js';
import { isEscapedAt } from './cst-to-ast.js';
import { LineMap } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { ruleParser } from './parser.js';
import { ruleLexer, StringLiteral } from './tokens.js';

export interface SourceComment {
  offset: number;
  /** Including the leading '#'. */
  text: string;
}

export interface ParseResult {
  /** Present only when the text has no syntax errors. */
  ast?: Program;
  /** The statements that could be read despite errors; for outlines and completion, never for running. */
  recovered: Program;
  diagnostics: Diagnostic[];
  comments: SourceComment[];
}

export interface LexResult {
  tokens: IToken[];
  comments: SourceComment[];
  diagnostics: Diagnostic[];
}

export function lex(text: string, lines: LineMap = new LineMap(text)): LexResult {
  const result = ruleLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    const shown = text.slice(error.offset, error.offset + Math.min(error.length, 20));
    diagnostics.push(
      lines.diagnostic(
        error.offset,
        error.length,
        'error',
        `"${shown}" is not part of the rule language. Put names with special characters in double quotes.`,
        { code: 'unexpected-character' },
      ),
    );
  }
  for (const tok of result.tokens) {
    if (tok.tokenType !== StringLiteral) continue;
    const closed =
      tok.image.length >= 2 && tok.image.endsWith('"') && !isEscapedAt(tok.image, tok.image.length - 1);
    if (!closed) {
      diagnostics.push(
        lines.diagnostic(
          tok.startOffset,
          tok.image.length,
          'error',
          'This quoted text is missing its closing quote (").',
          {
            code: 'unterminated-string',
          },
        ),
      );
    }
  }
  const comments = (result.groups['comments'] ?? []).map((tok) => ({
    offset: tok.startOffset,
    text: tok.image,
  }));
  return { tokens: result.tokens, comments, diagnostics };
}

/** Reads rule text. Never throws: every problem becomes a diagnostic inside the text. */
export function parse(text: string): ParseResult {
  const lines = new LineMap(text);
  const lexed = lex(text, lines);
  const parser = ruleParser();
  parser.input = lexed.tokens;
  // Error recovery throws and catches internally at every syntax error. Nobody reads
  // those stack traces, and capturing them is most of the cost of parsing broken text.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst;
  try {
    cst = parser.program();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const diagnostics = [...lexed.diagnostics];
  const seen = new Set<number>();
  for (const error of parser.errors) {
    const tok = error.token;
    const atEnd = tok.tokenType.name === 'EOF' || !Number.isFinite(tok.startOffset);
    const offset = atEnd ? text.length : tok.startOffset;
    if (seen.has(offset)) continue;
    seen.add(offset);
    diagnostics.push(
      lines.diagnostic(offset, atEnd ? 0 : tok.image.length, 'error', error.message, {
        code: 'syntax-error',
      }),
    );
  }
  diagnostics.sort((a, b) => a.offset - b.offset);
  const recovered = toProgram(cst);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { ...(failed ? {} : { ast: recovered }), recovered, diagnostics, comments: lexed.comments };
}
