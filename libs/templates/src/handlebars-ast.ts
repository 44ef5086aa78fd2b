import Handlebars from 'handlebars';

// The published typings of the Handlebars AST are incomplete (no `value` on
// content, no literal shapes), so the parts this library reads are declared here.

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Loc {
  readonly start: Position;
  readonly end: Position;
}

export interface PathExpression {
  type: 'PathExpression';
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
  loc: Loc;
}

export interface StringLiteral {
  type: 'StringLiteral';
  value: string;
  original: string;
  loc: Loc;
}

export interface NumberLiteral {
  type: 'NumberLiteral';
  value: number;
  original: number;
  loc: Loc;
}

export interface BooleanLiteral {
  type: 'BooleanLiteral';
  value: boolean;
  original: boolean;
  loc: Loc;
}

export interface NullishLiteral {
  type: 'UndefinedLiteral' | 'NullLiteral';
  loc: Loc;
}

export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullishLiteral;

export interface HashPair {
  type: 'HashPair';
  key: string;
  value: Expression;
  loc: Loc;
}

export interface Hash {
  type: 'Hash';
  pairs: HashPair[];
  loc: Loc;
}

export interface SubExpression {
  type: 'SubExpression';
  path: PathExpression;
  params: Expression[];
  hash?: Hash;
  loc: Loc;
}

export type Expression = PathExpression | SubExpression | Literal;

export interface Program {
  type: 'Program';
  body: Statement[];
  blockParams?: string[];
  loc?: Loc;
  strip?: unknown;
  chained?: boolean;
}

export interface ContentStatement {
  type: 'ContentStatement';
  value: string;
  original: string;
  loc: Loc;
}

export interface CommentStatement {
  type: 'CommentStatement';
  value: string;
  loc: Loc;
}

export interface MustacheStatement {
  type: 'MustacheStatement' | 'Decorator';
  path: PathExpression | Literal;
  params: Expression[];
  hash?: Hash;
  escaped: boolean;
  strip?: unknown;
  loc: Loc;
}

export interface BlockStatement {
  type: 'BlockStatement' | 'DecoratorBlock';
  path: PathExpression | Literal;
  params: Expression[];
  hash?: Hash;
  program: Program;
  inverse?: Program;
  openStrip?: unknown;
  inverseStrip?: unknown;
  closeStrip?: unknown;
  loc: Loc;
}

export interface PartialStatement {
  type: 'PartialStatement';
  name: PathExpression | SubExpression | Literal;
  params: Expression[];
  hash?: Hash;
  indent: string;
  loc: Loc;
}

export interface PartialBlockStatement {
  type: 'PartialBlockStatement';
  name: PathExpression | SubExpression | Literal;
  params: Expression[];
  hash?: Hash;
  program: Program;
  loc: Loc;
}

export type Statement =
  | ContentStatement
  | CommentStatement
  | MustacheStatement
  | BlockStatement
  | PartialStatement
  | PartialBlockStatement;

export type ParseResult =
  | { readonly ok: true; readonly ast: Program }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

interface JisonLocation {
  first_line: number;
  first_column: number;
}

interface HandlebarsException {
  message: string;
  lineNumber?: number;
  column?: number;
}

function describeParseError(raw: string): string {
  if (/Expecting/.test(raw) && /got 'EOF'/.test(raw)) {
    return 'The template ends inside an expression or an open block ({{#…}} without {{/…}}).';
  }
  const got = /got '([^']+)'/.exec(raw)?.[1];
  if (got === 'INVALID') return 'This expression is not valid Handlebars: check quotes and brackets.';
  if (got) return `Unexpected ${got.toLowerCase().replace(/_/g, ' ')} in this expression.`;
  const firstLine = raw.split('\n')[0] ?? raw;
  return firstLine.replace(/ - \d+:\d+$/, '');
}

/**
 * Parses without ever throwing; a failure carries a 1-based line and 0-based
 * column like the AST does, taken from the exception or the lexer's last token.
 */
export function parseTemplate(text: string): ParseResult {
  try {
    return { ok: true, ast: Handlebars.parse(text) as unknown as Program };
  } catch (error) {
    const exception = error as HandlebarsException;
    if (typeof exception.lineNumber === 'number') {
      return {
        ok: false,
        line: exception.lineNumber,
        column: exception.column ?? 0,
        message: describeParseError(exception.message),
      };
    }
    const lexer = (Handlebars as unknown as { Parser?: { lexer?: { yylloc?: JisonLocation } } }).Parser
      ?.lexer;
    const location = lexer?.yylloc;
    return {
      ok: false,
      line: location?.first_line ?? 1,
      column: location?.first_column ?? 0,
      message: describeParseError(String(exception.message ?? error)),
    };
  }
}

export type TokenKind = 'open' | 'else' | 'close' | 'mustache' | 'raw' | 'partial' | 'comment';

export interface MustacheToken {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** The token text with whitespace runs collapsed, for comparing across re-indentation. */
  readonly key: string;
}

function classify(inner: string, triple: boolean): TokenKind {
  if (triple) return 'raw';
  const body = inner.replace(/^~/, '').trimStart();
  const first = body[0];
  if (first === '!') return 'comment';
  if (first === '#') return body[1] === '>' ? 'partial' : 'open';
  if (first === '/') return 'close';
  if (first === '^') return /^\^\s*~?$/.test(body) ? 'else' : 'open';
  if (first === '>') return 'partial';
  if (first === '&' || first === '{') return 'raw';
  if (/^else(\s|~|$)/.test(body)) return 'else';
  return 'mustache';
}

/**
 * A lexical scan for `{{…}}` tokens with their offsets. It follows Handlebars'
 * escaping (`\{{` is literal text) and skips over string literals, which is all
 * that is needed to compare the expressions of two texts and point into them.
 */
export function scanMustaches(text: string): MustacheToken[] {
  const tokens: MustacheToken[] = [];
  let index = text.indexOf('{{');
  while (index !== -1) {
    const escaped = index > 0 && text[index - 1] === '\\' && !(index > 1 && text[index - 2] === '\\');
    if (escaped) {
      index = text.indexOf('{{', index + 2);
      continue;
    }
    let end: number;
    let triple = false;
    if (text.startsWith('{{!--', index)) {
      const close = text.indexOf('--}}', index + 5);
      end = close === -1 ? text.length : close + 4;
    } else if (text.startsWith('{{!', index)) {
      const close = text.indexOf('}}', index + 3);
      end = close === -1 ? text.length : close + 2;
    } else {
      triple = text.startsWith('{{{', index);
      let cursor = index + (triple ? 3 : 2);
      end = text.length;
      while (cursor < text.length) {
        const char = text[cursor];
        if (char === '"' || char === "'") {
          const close = text.indexOf(char, cursor + 1);
          cursor = close === -1 ? text.length : close + 1;
          continue;
        }
        if (char === '}' && text[cursor + 1] === '}') {
          end = cursor + 2;
          while (text[end] === '}' && end - cursor < 4) end++;
          break;
        }
        cursor++;
      }
    }
    const raw = text.slice(index, end);
    const inner = raw.replace(/^\{+/, '').replace(/\}+$/, '');
    tokens.push({ kind: classify(inner, triple), start: index, end, key: raw.replace(/\s+/g, ' ') });
    index = text.indexOf('{{', end);
  }
  return tokens;
}

export function isPath(node: Expression | PathExpression | Literal): node is PathExpression {
  return node.type === 'PathExpression';
}

/** Name of a helper-or-path head: `formatDate` in `{{formatDate x}}`. */
export function headName(node: PathExpression | Literal): string | undefined {
  return node.type === 'PathExpression' &&
    !node.data &&
    node.depth === 0 &&
    node.parts.length === 1 &&
    node.original === node.parts[0]
    ? node.parts[0]
    : undefined;
}

const NO_STRIP = { open: false, close: false };

/** `{{expr args}}` as `{{helper (expr args)}}`, or `{{helper path}}` for a bare path. */
export function wrapInHelper(node: MustacheStatement, helper: string): MustacheStatement {
  const hasArguments = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
  const path = node.path as PathExpression;
  const value: Expression = hasArguments
    ? ({ type: 'SubExpression', path, params: node.params, hash: node.hash, loc: node.loc } as SubExpression)
    : path;
  return {
    type: 'MustacheStatement',
    path: { type: 'PathExpression', data: false, depth: 0, parts: [helper], original: helper, loc: node.loc },
    params: [value],
    escaped: false,
    strip: NO_STRIP,
    loc: node.loc,
  };
}
