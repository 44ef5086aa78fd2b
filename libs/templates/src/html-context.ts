import type { DiagnosticInit } from './diagnostics.js';
import { headName } from './handlebars-ast.js';
import type {
  BlockStatement,
  Expression,
  Loc,
  MustacheStatement,
  PathExpression,
  Program,
  SubExpression,
} from './handlebars-ast.js';

type Mode =
  | 'data'
  | 'tagOpen'
  | 'tagName'
  | 'endTag'
  | 'beforeAttrName'
  | 'attrName'
  | 'afterAttrName'
  | 'beforeAttrValue'
  | 'attrValueQuoted'
  | 'attrValueUnquoted'
  | 'comment'
  | 'rawtext'
  | 'rcdata'
  | 'bogus';

/**
 * How far the URL in the current attribute is fixed: only its scheme matters for safety.
 * `scriptable`: fixed to a scheme such as `javascript:` or `data:`, where an inserted value is code or content.
 */
type UrlState = 'open' | 'safe' | 'unknown' | 'scriptable';

interface State {
  mode: Mode;
  tag: string;
  closing: boolean;
  attr: string;
  quote: string;
  url: UrlState | undefined;
  prefix: string;
}

/** Where a block may start: it prints no data itself, but it must not split a name. */
const BLOCK_MODES: ReadonlySet<Mode> = new Set([
  'data',
  'beforeAttrName',
  'attrValueQuoted',
  'comment',
  'rcdata',
  'rawtext',
]);
const RAWTEXT_TAGS: ReadonlySet<string> = new Set([
  'script',
  'style',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'plaintext',
]);
const RCDATA_TAGS: ReadonlySet<string> = new Set(['title', 'textarea']);
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'background',
  'poster',
  'cite',
  'longdesc',
  'usemap',
  'lowsrc',
  'dynsrc',
  'ping',
  'data',
  'codebase',
  'classid',
  'manifest',
  'profile',
  'icon',
  'xlink:href',
  'xml:base',
]);

function isSpace(char: string): boolean {
  return char === ' ' || char === '\n' || char === '\t' || char === '\r' || char === '\f';
}

function isLetter(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

/**
 * Whether static text at the start of a URL attribute already fixes its scheme.
 * A value inserted after `https://x/` or `/path` cannot turn the link into
 * `javascript:`; one inserted after nothing, or after `java`, could.
 */
function withoutIgnoredCharacters(prefix: string): string {
  // Browsers drop these before parsing a URL, so `  java\nscript:` is `javascript:`.
  // eslint-disable-next-line no-control-regex
  return prefix.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
}

/** Schemes after which an inserted value can only be part of an address. */
const INERT_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto', 'tel']);

function classifyPrefix(prefix: string): UrlState {
  const cleaned = withoutIgnoredCharacters(prefix);
  if (cleaned === '' || /^[A-Za-z0-9+.-]+$/.test(cleaned)) return 'open';
  const delimiter = cleaned.search(/[:/?#]/);
  const reference = cleaned.indexOf('&');
  // A character reference (`&#106;`) could spell out a scheme.
  if (reference !== -1 && (delimiter === -1 || reference < delimiter)) return 'unknown';
  const scheme = cleaned.slice(0, delimiter);
  if (cleaned[delimiter] === ':' && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) {
    return INERT_SCHEMES.has(scheme.toLowerCase()) ? 'safe' : 'scriptable';
  }
  return 'safe';
}

function cloneState(state: State): State {
  return { ...state };
}

function sameContext(a: State, b: State): boolean {
  return a.mode === b.mode && a.tag === b.tag && a.attr === b.attr && a.quote === b.quote;
}

function merge(states: readonly State[]): State {
  const [first, ...rest] = states as [State, ...State[]];
  const merged = cloneState(first);
  if (rest.some((state) => state.url !== first.url || state.prefix !== first.prefix)) {
    merged.url = merged.url === undefined ? undefined : 'unknown';
    merged.prefix = '';
  }
  return merged;
}

export interface HtmlContextResult {
  /** A top-level `href="{{links.unsubscribe}}"` exists, so every rendered mail carries the link. */
  readonly unsubscribeLinked: boolean;
  /** Expressions that were wrapped in safeUrl. */
  readonly wrappedUrls: number;
}

function isUnsubscribePath(node: MustacheStatement): boolean {
  if (node.path.type !== 'PathExpression' || node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) {
    return false;
  }
  const path = node.path;
  const parts = path.data ? (path.parts[0] === 'root' ? path.parts.slice(1) : []) : path.parts;
  return path.depth === 0 && parts.length === 2 && parts[0] === 'links' && parts[1] === 'unsubscribe';
}

function wrapInSafeUrl(node: MustacheStatement): void {
  const path = node.path as PathExpression;
  const safeUrlPath: PathExpression = {
    type: 'PathExpression',
    data: false,
    depth: 0,
    parts: ['safeUrl'],
    original: 'safeUrl',
    loc: path.loc,
  };
  const hasArguments = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
  const inner: Expression = hasArguments
    ? ({ type: 'SubExpression', path, params: node.params, hash: node.hash, loc: node.loc } as SubExpression)
    : path;
  node.path = safeUrlPath;
  node.params = [inner];
  delete node.hash;
}

/**
 * Walks a template's HTML the way a browser tokenizes it, knowing at every
 * expression whether it lands in text, an attribute, a URL, a style or a script.
 * Handlebars escaping is only sound in text and quoted attributes, so any other
 * place is refused, and an expression that starts a URL is wrapped in safeUrl so
 * data can never choose the scheme. Blocks must leave the HTML context as they
 * found it, otherwise the context after them would depend on the data.
 */
export class HtmlContextAnalyzer {
  private readonly report: (loc: Loc, init: DiagnosticInit) => void;
  private unsubscribeLinked = false;
  private wrappedUrls = 0;

  constructor(report: (loc: Loc, init: DiagnosticInit) => void) {
    this.report = report;
  }

  analyze(program: Program): HtmlContextResult {
    const initial: State = {
      mode: 'data',
      tag: '',
      closing: false,
      attr: '',
      quote: '',
      url: undefined,
      prefix: '',
    };
    this.program(program, initial, 0);
    return { unsubscribeLinked: this.unsubscribeLinked, wrappedUrls: this.wrappedUrls };
  }

  private program(program: Program | undefined, state: State, depth: number): State {
    let current = state;
    for (const statement of program?.body ?? []) {
      switch (statement.type) {
        case 'ContentStatement':
          this.text(statement.value, current);
          break;
        case 'MustacheStatement':
          this.mustache(statement, current, depth);
          break;
        case 'BlockStatement':
          current = this.block(statement, current, depth);
          break;
        default:
          break;
      }
    }
    return current;
  }

  private block(node: BlockStatement, state: State, depth: number): State {
    const name = node.path.type === 'PathExpression' ? headName(node.path) : undefined;
    if (!BLOCK_MODES.has(state.mode)) {
      this.report(node.loc, {
        code: 'UNSAFE_CONTEXT',
        message: 'A block cannot start inside a tag name, attribute name or script.',
      });
    }
    const afterProgram = this.program(node.program, cloneState(state), depth + 1);
    const afterInverse = node.inverse ? this.program(node.inverse, cloneState(state), depth + 1) : state;
    const ends = name === 'each' ? [state, afterProgram, afterInverse] : [afterProgram, afterInverse];
    if (!ends.every((end) => sameContext(end, state))) {
      this.report(node.loc, {
        code: 'BLOCK_CHANGES_HTML_CONTEXT',
        message:
          'This block opens or closes a tag, quote or comment that it does not also close or open, so the HTML after it depends on the data.',
        suggestion: 'Keep whole tags inside the block, or put the block inside one attribute value.',
      });
      return afterProgram;
    }
    return merge(ends);
  }

  private mustache(node: MustacheStatement, state: State, depth: number): void {
    const refuse = (message: string, suggestion?: string): void =>
      this.report(node.loc, { code: 'UNSAFE_CONTEXT', message, suggestion });
    switch (state.mode) {
      case 'data':
      case 'comment':
      case 'rcdata':
        return;
      case 'rawtext':
        return refuse(`Expressions cannot be used inside <${state.tag}>.`);
      case 'beforeAttrValue':
      case 'attrValueUnquoted':
        return refuse(
          'An expression in an attribute needs quotes around the value.',
          `${state.attr}="{{…}}"`,
        );
      case 'attrValueQuoted':
        return this.attributeValue(node, state, depth, refuse);
      default:
        return refuse('An expression cannot produce a tag name or an attribute name.');
    }
  }

  private attributeValue(
    node: MustacheStatement,
    state: State,
    depth: number,
    refuse: (message: string, suggestion?: string) => void,
  ): void {
    const attr = state.attr;
    if (attr.startsWith('on')) return refuse('Expressions cannot be used in event handler attributes.');
    if (attr === 'style') {
      return refuse(
        'Expressions cannot be used in style attributes: data could inject CSS.',
        'Use a fixed style.',
      );
    }
    if (attr === 'srcdoc') return refuse('Expressions cannot be used in srcdoc.');
    if (state.url === 'scriptable') {
      this.report(node.loc, {
        code: 'UNSAFE_URL_POSITION',
        message:
          'Values can only be inserted into http, https, mailto and tel links: after a scheme such as javascript: they would become code.',
        suggestion: 'Start the link with fixed text such as "https://…/" or with a value alone ("{{…}}").',
      });
      return;
    }
    if (state.url === undefined || state.url === 'safe') return;
    if (state.url === 'unknown' || withoutIgnoredCharacters(state.prefix) !== '') {
      this.report(node.loc, {
        code: 'UNSAFE_URL_POSITION',
        message: 'Here a value could decide the scheme of the link (e.g. javascript:).',
        suggestion: 'Start the URL with a value alone ("{{…}}") or with fixed text such as "https://…/".',
      });
      return;
    }
    if (attr === 'href' && depth === 0 && isUnsubscribePath(node)) this.unsubscribeLinked = true;
    const alreadySafe = node.path.type === 'PathExpression' && headName(node.path) === 'safeUrl';
    if (!alreadySafe) {
      wrapInSafeUrl(node);
      this.wrappedUrls++;
    }
    // What follows is appended to either nothing or a URL with an allowed scheme.
    state.prefix = '';
  }

  private enterAttributeValue(state: State, quote: string): void {
    state.quote = quote;
    state.mode = quote === '' ? 'attrValueUnquoted' : 'attrValueQuoted';
    state.url = URL_ATTRIBUTES.has(state.attr) ? 'open' : undefined;
    state.prefix = '';
  }

  private endTag(state: State): void {
    if (!state.closing && RAWTEXT_TAGS.has(state.tag)) state.mode = 'rawtext';
    else if (!state.closing && RCDATA_TAGS.has(state.tag)) state.mode = 'rcdata';
    else {
      state.mode = 'data';
      state.tag = '';
    }
    state.attr = '';
    state.quote = '';
    state.url = undefined;
  }

  private text(value: string, state: State): void {
    let index = 0;
    const length = value.length;
    while (index < length) {
      const char = value[index]!;
      switch (state.mode) {
        case 'data': {
          const next = value.indexOf('<', index);
          if (next === -1) return;
          state.mode = 'tagOpen';
          index = next + 1;
          continue;
        }
        case 'rawtext':
        case 'rcdata': {
          const close = value.toLowerCase().indexOf(`</${state.tag}`, index);
          if (close === -1) return;
          state.mode = 'endTag';
          state.closing = true;
          index = close + 2 + state.tag.length;
          continue;
        }
        case 'comment': {
          const close = value.indexOf('-->', index);
          if (close === -1) return;
          state.mode = 'data';
          index = close + 3;
          continue;
        }
        case 'bogus': {
          const close = value.indexOf('>', index);
          if (close === -1) return;
          state.mode = 'data';
          index = close + 1;
          continue;
        }
        case 'tagOpen':
          if (isLetter(char)) {
            state.mode = 'tagName';
            state.closing = false;
            state.tag = char.toLowerCase();
          } else if (char === '/') {
            state.mode = 'endTag';
            state.closing = true;
            state.tag = '';
          } else if (char === '!') {
            index = this.markup(value, index, state);
            continue;
          } else if (char === '?') {
            state.mode = 'bogus';
          } else {
            state.mode = 'data';
            continue;
          }
          index++;
          continue;
        case 'tagName':
          if (isSpace(char) || char === '/') state.mode = 'beforeAttrName';
          else if (char === '>') this.endTag(state);
          else state.tag += char.toLowerCase();
          index++;
          continue;
        case 'endTag':
          if (char === '>') {
            state.mode = 'data';
            state.tag = '';
            state.closing = false;
          }
          index++;
          continue;
        case 'beforeAttrName':
          if (char === '>') this.endTag(state);
          else if (!isSpace(char) && char !== '/') {
            state.mode = 'attrName';
            state.attr = char.toLowerCase();
          }
          index++;
          continue;
        case 'attrName':
          if (isSpace(char)) state.mode = 'afterAttrName';
          else if (char === '=') state.mode = 'beforeAttrValue';
          else if (char === '>') this.endTag(state);
          else if (char === '/') state.mode = 'beforeAttrName';
          else state.attr += char.toLowerCase();
          index++;
          continue;
        case 'afterAttrName':
          if (char === '=') state.mode = 'beforeAttrValue';
          else if (char === '>') this.endTag(state);
          else if (char === '/') state.mode = 'beforeAttrName';
          else if (!isSpace(char)) {
            state.mode = 'attrName';
            state.attr = char.toLowerCase();
          }
          index++;
          continue;
        case 'beforeAttrValue':
          if (char === '"' || char === "'") {
            this.enterAttributeValue(state, char);
            index++;
          } else if (char === '>') {
            this.endTag(state);
            index++;
          } else if (!isSpace(char)) {
            this.enterAttributeValue(state, '');
          } else index++;
          continue;
        case 'attrValueQuoted': {
          const close = value.indexOf(state.quote, index);
          const end = close === -1 ? length : close;
          if (state.url === 'open') {
            state.prefix += value.slice(index, end);
            const classified = classifyPrefix(state.prefix);
            if (classified !== 'open') {
              state.url = classified;
              state.prefix = '';
            }
          }
          if (close === -1) return;
          state.mode = 'beforeAttrName';
          state.url = undefined;
          state.prefix = '';
          index = close + 1;
          continue;
        }
        case 'attrValueUnquoted':
          if (isSpace(char)) state.mode = 'beforeAttrName';
          else if (char === '>') this.endTag(state);
          index++;
          continue;
      }
    }
  }

  /** `<!` starts a comment, an Outlook conditional comment (whose content is HTML) or a doctype. */
  private markup(value: string, index: number, state: State): number {
    const rest = value.slice(index + 1, index + 12);
    if (rest.startsWith('--')) {
      const after = index + 3;
      if (value.startsWith('[if', after)) {
        const close = value.indexOf(']>', after);
        state.mode = close === -1 ? 'bogus' : 'data';
        return close === -1 ? after : close + 2;
      }
      if (value.startsWith('>', after)) {
        state.mode = 'data';
        return after + 1;
      }
      if (value.startsWith('->', after)) {
        state.mode = 'data';
        return after + 2;
      }
      state.mode = 'comment';
      return after;
    }
    state.mode = 'bogus';
    return index + 1;
  }
}
