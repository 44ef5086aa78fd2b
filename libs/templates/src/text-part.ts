import { compile as compileHtmlToText } from 'html-to-text';
import type { FormatCallback, HtmlToTextOptions } from 'html-to-text';
import type {
  BlockStatement,
  BooleanLiteral,
  ContentStatement,
  Loc,
  MustacheStatement,
  PathExpression,
  Program,
  Statement,
  SubExpression,
} from './handlebars-ast.js';
import { compileOptions, createEnvironment } from './helpers.js';

const TOKEN_OPEN = '\uE000';
const TOKEN_CLOSE = '\uE001';
const LINK_OPEN = '\uE002';
const LINK_CLOSE = '\uE003';
const PRIVATE_MARKERS = /[\uE000-\uE003]/;
// Same set html-to-text treats as whitespace; a value is shown the way the HTML part shows it.
const WHITESPACE_RUN = /[ \t\r\n\f\u200b]+/g;

/** The anchor formatter of html-to-text, plus a marker when the href holds template expressions. */
const anchor: FormatCallback = (elem, walk, builder) => {
  const rawHref = (elem.attribs as Record<string, string> | undefined)?.['href'] ?? '';
  const href = rawHref.replace(/^mailto:/, '');
  const dynamic = rawHref.includes(TOKEN_OPEN);
  if (!dynamic && (href === '' || href[0] === '#')) {
    walk(elem.children ?? [], builder);
    return;
  }
  let text = '';
  builder.pushWordTransform((word) => {
    if (word) text += word;
    return word;
  });
  walk(elem.children ?? [], builder);
  builder.popWordTransform();
  if (dynamic) {
    builder.addInline(`${LINK_OPEN}${text ? '1' : '0'}${rawHref}${LINK_CLOSE}`, { noWordTransform: true });
  } else {
    builder.addInline(text ? ` [${href}]` : href, { noWordTransform: true });
  }
};

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

/**
 * One configuration for both ways of making the text part, so they agree:
 * no wrapping (values of unknown length are inserted later), no upper-casing
 * (it would have to apply to inserted values too), images and the hidden
 * preheader left out as a reader of the text part would want.
 */
const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: { templateAnchor: anchor },
  selectors: [
    { selector: 'a', format: 'templateAnchor' },
    { selector: 'img', format: 'skip' },
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'table', format: 'block' },
    ...HEADINGS,
  ],
};

const convert = compileHtmlToText(TEXT_OPTIONS);

/**
 * Blank-line runs, trailing spaces, and the single space that stays at the start
 * of a line after an empty block (to html-to-text a block marker is a word);
 * list prefixes (" * ", " 1. ") keep theirs.
 */
export function tidyText(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/^ (?=\S)(?!\* |\d+\. )/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The plain-text part for an HTML body: what a text-only reader sees. */
export function htmlToPlainText(html: string): string {
  return tidyText(convert(html));
}

const LOC: Loc = { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
// Handlebars runs its whitespace control again on a compiled AST and reads these.
const NO_STRIP = { open: false, close: false };

function helperPath(name: string, loc: Loc): PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function textHelper(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(WHITESPACE_RUN, ' ');
}

function linkHelper(this: unknown, hasText: unknown, options: { fn: (context: unknown) => string }): string {
  const href = options.fn(this).replace(/^mailto:/, '');
  if (href === '' || href[0] === '#') return '';
  return hasText ? ` [${href}]` : href;
}

const textEnvironment = createEnvironment({
  __text: textHelper as (...args: never[]) => unknown,
  __link: linkHelper as (...args: never[]) => unknown,
});
// The rebuilt program has its whitespace settled already; no standalone-line stripping.
const TEXT_COMPILE_OPTIONS = { ...compileOptions(['__text', '__link'], false), ignoreStandalone: true };

class Serializer {
  readonly mustaches: MustacheStatement[] = [];
  readonly blocks: BlockStatement[] = [];
  private parts: string[] = [];

  serialize(program: Program): string {
    this.program(program);
    return this.parts.join('');
  }

  private program(program: Program | undefined): void {
    for (const statement of program?.body ?? []) this.statement(statement);
  }

  private statement(statement: Statement): void {
    switch (statement.type) {
      case 'ContentStatement':
        this.parts.push(statement.value);
        return;
      case 'MustacheStatement':
        this.parts.push(`${TOKEN_OPEN}M${this.mustaches.push(statement) - 1}${TOKEN_CLOSE}`);
        return;
      case 'BlockStatement': {
        const id = this.blocks.push(statement) - 1;
        this.parts.push(`${TOKEN_OPEN}O${id}${TOKEN_CLOSE}`);
        this.program(statement.program);
        if (statement.inverse) {
          this.parts.push(`${TOKEN_OPEN}E${id}${TOKEN_CLOSE}`);
          this.program(statement.inverse);
        }
        this.parts.push(`${TOKEN_OPEN}C${id}${TOKEN_CLOSE}`);
        return;
      }
      default:
        return;
    }
  }
}

type Item =
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'M' | 'O' | 'E' | 'C'; readonly id: number }
  | { readonly kind: 'link'; readonly hasText: boolean }
  | { readonly kind: 'endLink' };

function tokenize(text: string): Item[] {
  const items: Item[] = [];
  const pattern = /\uE000([MOEC])(\d+)\uE001|\uE002([01])|\uE003/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) items.push({ kind: 'text', value: text.slice(last, match.index) });
    if (match[1]) items.push({ kind: match[1] as 'M' | 'O' | 'E' | 'C', id: Number(match[2]) });
    else if (match[3]) items.push({ kind: 'link', hasText: match[3] === '1' });
    else items.push({ kind: 'endLink' });
    last = pattern.lastIndex;
  }
  if (last < text.length) items.push({ kind: 'text', value: text.slice(last) });
  return items;
}

class StructureLost extends Error {}

/** Rebuilds a Handlebars program from converted text, reusing the original expressions. */
class Rebuilder {
  private index = 0;
  private readonly items: readonly Item[];
  private readonly source: Serializer;

  constructor(items: readonly Item[], source: Serializer) {
    this.items = items;
    this.source = source;
  }

  build(): Program {
    const body = this.body(() => false);
    if (this.index !== this.items.length) throw new StructureLost();
    return { type: 'Program', body, blockParams: [], loc: LOC };
  }

  private body(stop: (item: Item) => boolean): Statement[] {
    const body: Statement[] = [];
    while (this.index < this.items.length) {
      const item = this.items[this.index]!;
      if (stop(item)) return body;
      this.index++;
      switch (item.kind) {
        case 'text':
          body.push({
            type: 'ContentStatement',
            value: item.value,
            original: item.value,
            loc: LOC,
          } as ContentStatement);
          break;
        case 'M':
          body.push(this.mustache(item.id));
          break;
        case 'O':
          body.push(this.block(item.id));
          break;
        case 'link': {
          const inner = this.body((next) => next.kind === 'endLink' || next.kind === 'link');
          if (this.items[this.index]?.kind !== 'endLink') throw new StructureLost();
          this.index++;
          const flag: BooleanLiteral = {
            type: 'BooleanLiteral',
            value: item.hasText,
            original: item.hasText,
            loc: LOC,
          };
          body.push({
            type: 'BlockStatement',
            path: helperPath('__link', LOC),
            params: [flag],
            program: { type: 'Program', body: inner, blockParams: [], loc: LOC },
            openStrip: NO_STRIP,
            inverseStrip: NO_STRIP,
            closeStrip: NO_STRIP,
            loc: LOC,
          } as BlockStatement);
          break;
        }
        default:
          throw new StructureLost();
      }
    }
    return body;
  }

  private mustache(id: number): MustacheStatement {
    const original = this.source.mustaches[id];
    if (!original) throw new StructureLost();
    const hasArguments = original.params.length > 0 || (original.hash?.pairs.length ?? 0) > 0;
    const path = original.path as PathExpression;
    const value = hasArguments
      ? ({
          type: 'SubExpression',
          path,
          params: original.params,
          hash: original.hash,
          loc: original.loc,
        } as SubExpression)
      : path;
    return {
      type: 'MustacheStatement',
      path: helperPath('__text', original.loc),
      params: [value],
      escaped: false,
      strip: NO_STRIP,
      loc: original.loc,
    };
  }

  private block(id: number): BlockStatement {
    const original = this.source.blocks[id];
    if (!original) throw new StructureLost();
    const isMine = (kinds: string) => (item: Item) =>
      'id' in item && item.id === id && kinds.includes(item.kind);
    const program = this.body(isMine('EC'));
    let inverse: Statement[] | undefined;
    if (this.items[this.index]?.kind === 'E') {
      this.index++;
      inverse = this.body(isMine('C'));
    }
    const close = this.items[this.index];
    if (!close || close.kind !== 'C' || !('id' in close) || close.id !== id) throw new StructureLost();
    this.index++;
    return {
      type: 'BlockStatement',
      path: original.path,
      params: original.params,
      hash: original.hash,
      program: {
        type: 'Program',
        body: program,
        blockParams: original.program?.blockParams ?? [],
        loc: original.program?.loc ?? LOC,
      },
      ...(inverse === undefined || !original.inverse
        ? {}
        : { inverse: { type: 'Program', body: inverse, blockParams: [], loc: original.inverse.loc ?? LOC } }),
      openStrip: NO_STRIP,
      inverseStrip: NO_STRIP,
      closeStrip: NO_STRIP,
      loc: original.loc,
    } as BlockStatement;
  }
}

export type TextTemplate = (context: unknown, options?: { data?: unknown }) => string;

/**
 * The text part as a template, made once per template version: the HTML with
 * every expression replaced by a marker goes through html-to-text, and the
 * markers are put back as the original expressions, printing raw text instead
 * of escaped HTML. Per contact only Handlebars runs, not an HTML parser.
 * Undefined when the conversion lost an expression (e.g. a block whose start sat
 * in an image attribute): the caller then converts each rendered HTML instead.
 */
export function compileTextTemplate(program: Program): TextTemplate | undefined {
  const serializer = new Serializer();
  const marked = serializer.serialize(structuredClone(program));
  if (PRIVATE_MARKERS.test(marked.replace(/\uE000[MOEC]\d+\uE001/g, ''))) return undefined;
  try {
    const rebuilt = new Rebuilder(tokenize(convert(marked)), serializer).build();
    return textEnvironment.compile(rebuilt as never, TEXT_COMPILE_OPTIONS) as TextTemplate;
  } catch (error) {
    if (error instanceof StructureLost) return undefined;
    throw error;
  }
}
