import type { IToken, TokenType } from 'chevrotain';
import { BUILTIN_FIELDS, GroupIndex } from './catalog.js';
import type { Catalog } from './catalog.js';
import type { FieldType } from './checked.js';
import { isEscapedAt, unquote } from './cst-to-ast.js';
import { isBareWord, printPath, quote } from './format.js';
import {
  Add,
  Added,
  Ago,
  And,
  At,
  Comma,
  DateLiteral,
  Days,
  Email,
  Empty,
  Ends,
  Equals,
  Every,
  Exactly,
  From,
  Greater,
  GreaterOrEqual,
  Identifier,
  If,
  In,
  Is,
  Last,
  LBrace,
  Less,
  LessOrEqual,
  Letter,
  LParen,
  More,
  Not,
  NotEquals,
  NumberLiteral,
  Of,
  Once,
  One,
  Or,
  Per,
  RBrace,
  Remove,
  Removed,
  RParen,
  ruleLexer,
  Segment,
  Selection,
  Send,
  Sequence,
  Slash,
  Start,
  Starts,
  Stop,
  StringLiteral,
  Subscribed,
  Tag,
  Tagged,
  Than,
  Time,
  TimeLiteral,
  TimeUnit,
  To,
  Unsubscribed,
  Until,
  Wait,
  Weekday,
  WEEKDAYS,
  When,
  Within,
} from './tokens.js';

export type CompletionKind =
  'keyword' | 'group' | 'field' | 'tag' | 'segment' | 'template' | 'sequence' | 'selection';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** Text to insert in place of `range`; the label when absent. */
  insertText?: string;
  detail?: string;
  /** The partly typed word the item replaces (empty at the cursor when nothing is typed). */
  range: { offset: number; length: number };
}

type Candidate = Omit<CompletionItem, 'range'>;

function is(tok: IToken | undefined, type: TokenType): boolean {
  if (!tok) return false;
  return tok.tokenType === type || (tok.tokenType.CATEGORIES ?? []).includes(type);
}

function isWord(tok: IToken): boolean {
  return /^[\p{L}_]/u.test(tok.image) && tok.tokenType !== StringLiteral;
}

function isClosedString(tok: IToken | undefined): boolean {
  return (
    !!tok &&
    tok.tokenType === StringLiteral &&
    tok.image.length >= 2 &&
    tok.image.endsWith('"') &&
    !isEscapedAt(tok.image, tok.image.length - 1)
  );
}

function isSegment(tok: IToken | undefined): boolean {
  return !!tok && (is(tok, Identifier) || isClosedString(tok));
}

const keywords = (...words: string[]): Candidate[] => words.map((label) => ({ label, kind: 'keyword' }));

const STATEMENT_STARTS = keywords('selection', 'when', 'sequence', 'every');
const STEP_STARTS = keywords(
  'send email',
  'send letter',
  'wait',
  'wait until',
  'stop if',
  'add to',
  'remove from',
  'add tag',
  'remove tag',
);
const CONNECTORS = keywords('and', 'or');

type StatementKind = 'none' | 'selection' | 'trigger' | 'sequence' | 'schedule';

interface Scan {
  kind: StatementKind;
  inBlock: boolean;
  /** Index of the trigger's "if", when the trigger has one. */
  triggerIf: number;
  /** Index of the schedule's "to". */
  scheduleTo: number;
}

function scan(tokens: IToken[]): Scan {
  const state: Scan = { kind: 'none', inBlock: false, triggerIf: -1, scheduleTo: -1 };
  tokens.forEach((tok, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const start = (kind: StatementKind) =>
      Object.assign(state, { kind, inBlock: false, triggerIf: -1, scheduleTo: -1 });
    if (is(tok, Selection) && !is(prev, In) && !is(prev, To)) start('selection');
    else if (is(tok, When)) start('trigger');
    else if (is(tok, Sequence) && !is(prev, Start) && !is(prev, Stop)) start('sequence');
    else if (is(tok, Every) && !(state.kind === 'trigger' && is(next, Time))) start('schedule');
    else if (is(tok, LBrace) && state.kind === 'sequence') state.inBlock = true;
    else if (is(tok, RBrace) && state.kind === 'sequence') start('none');
    else if (is(tok, If) && state.kind === 'trigger') state.triggerIf = i;
    else if (is(tok, To) && state.kind === 'schedule' && state.scheduleTo < 0) state.scheduleTo = i;
  });
  return state;
}

class Completer {
  private readonly groups: GroupIndex;
  private readonly fields = new Map<string, { type: FieldType; detail: string }>();

  constructor(
    private readonly catalog: Catalog,
    private readonly programSequences: string[],
    private readonly programSelections: string[],
  ) {
    this.groups = new GroupIndex(catalog.groups);
    for (const field of catalog.customFields) {
      const type: FieldType =
        field.type === 'enum' ? { kind: 'enum', values: field.values ?? [] } : { kind: field.type };
      this.fields.set(field.key, { type, detail: field.label ?? `custom ${field.type} field` });
    }
    for (const field of BUILTIN_FIELDS)
      this.fields.set(field.name, { type: field.type, detail: field.description });
  }

  private groupChildren(parent: string[] | null): Candidate[] {
    let parentId: string | null = null;
    if (parent) {
      const group = this.groups.resolve(parent);
      if (!group) return [];
      parentId = group.id;
    }
    return this.groups.childrenOf(parentId).map((group) => {
      const hasChildren = this.groups.childrenOf(group.id).length > 0;
      return {
        label: group.name,
        kind: 'group',
        insertText: printPath([group.name]),
        detail: `${printPath(this.groups.pathOf(group.id))}${hasChildren ? '/…' : ''}`,
      };
    });
  }

  private named(kind: CompletionKind, names: Iterable<string>, detail?: string): Candidate[] {
    return [...new Set(names)].map((name) => ({
      label: name,
      kind,
      insertText: quote(name),
      ...(detail ? { detail } : {}),
    }));
  }

  private conditionStarts(): Candidate[] {
    return [
      ...[...this.fields].map(([name, field]): Candidate => ({
        label: name,
        kind: 'field',
        detail: field.detail,
      })),
      ...keywords(
        'in',
        'in exactly',
        'in segment',
        'in selection',
        'not',
        'tagged',
        'subscribed',
        'unsubscribed',
      ),
      { label: '(', kind: 'keyword' },
    ];
  }

  private operators(type: FieldType): Candidate[] {
    const common = keywords('=', '!=', 'one of', 'not one of', 'is empty', 'is not empty');
    switch (type.kind) {
      case 'text':
        return [...common, ...keywords('<', '<=', '>', '>=', 'contains', 'starts with', 'ends with')];
      case 'number':
        return [...common, ...keywords('<', '<=', '>', '>=')];
      case 'date':
        return [...keywords('within last', 'more than', 'before', 'after', '<', '<=', '>', '>='), ...common];
      default:
        return common;
    }
  }

  private values(type: FieldType): Candidate[] {
    if (type.kind === 'enum') {
      return type.values.map((value) => ({
        label: value,
        kind: 'keyword',
        insertText: isBareWord(value) ? value : quote(value),
      }));
    }
    if (type.kind === 'boolean') return keywords('true', 'false');
    return [];
  }

  /** The field a comparison is about, when tokens end inside one. */
  private fieldBefore(tokens: IToken[], index: number): FieldType | undefined {
    const tok = tokens[index];
    return tok && is(tok, Identifier) ? this.fields.get(tok.image)?.type : undefined;
  }

  private afterCompleteCondition(state: Scan): Candidate[] {
    const out = [...CONNECTORS];
    if (state.kind === 'trigger' && state.triggerIf >= 0)
      out.push(...keywords('start sequence', 'stop sequence'));
    if (state.kind === 'sequence' && state.inBlock) out.push(...STEP_STARTS, { label: '}', kind: 'keyword' });
    if (state.kind === 'selection' || state.kind === 'schedule') out.push(...STATEMENT_STARTS);
    return out;
  }

  candidates(tokens: IToken[]): Candidate[] {
    const n = tokens.length;
    const t1 = tokens[n - 1];
    const t2 = tokens[n - 2];
    const t3 = tokens[n - 3];
    const state = scan(tokens);
    if (!t1) return STATEMENT_STARTS;

    // Group paths and time zones, one segment at a time.
    if (is(t1, Slash)) {
      const segments: string[] = [];
      let i = n - 2;
      while (isSegment(tokens[i])) {
        const tok = tokens[i]!;
        segments.unshift(tok.tokenType === StringLiteral ? unquote(tok.image) : tok.image);
        if (!is(tokens[i - 1], Slash)) break;
        i -= 2;
      }
      const before = tokens[i - 1];
      if (is(before, TimeLiteral)) {
        const prefix = `${segments.join('/')}/`;
        return Intl.supportedValuesOf('timeZone')
          .filter((zone) => zone.startsWith(prefix))
          .map((zone) => ({ label: zone.slice(prefix.length), kind: 'keyword', detail: zone }));
      }
      return this.groupChildren(segments);
    }

    if (is(t1, In)) return [...this.groupChildren(null), ...keywords('exactly', 'segment', 'selection')];
    if (is(t1, Exactly)) return this.groupChildren(null);
    if (is(t1, Segment))
      return this.named(
        'segment',
        this.catalog.segments.map((s) => s.name),
      );
    if (is(t1, Selection) && (is(t2, In) || is(t2, To))) {
      return this.named('selection', [
        ...this.programSelections,
        ...this.catalog.selections.map((s) => s.name),
      ]);
    }
    if (is(t1, Selection)) return [];
    if (is(t1, Tagged) || (is(t1, Tag) && (is(t2, Add) || is(t2, Remove))))
      return this.named('tag', this.catalog.tags);
    if (is(t1, To) && (is(t2, Added) || is(t2, Add))) return this.groupChildren(null);
    if (is(t1, From) && (is(t2, Removed) || is(t2, Remove))) return this.groupChildren(null);
    if (is(t1, When)) return keywords('added to', 'removed from', 'tagged');
    if (is(t1, Added)) return keywords('to');
    if (is(t1, Removed)) return keywords('from');
    if (is(t1, Add) && state.inBlock) return keywords('to', 'tag');
    if (is(t1, Remove) && state.inBlock) return keywords('from', 'tag');
    if (is(t1, Send)) return keywords('email', 'letter');
    if ((is(t1, Email) || is(t1, Letter)) && is(t2, Send)) {
      const channel = is(t1, Email) ? 'email' : 'letter';
      return this.named(
        'template',
        this.catalog.templates.filter((t) => t.channel === channel).map((t) => t.name),
        `${channel} template`,
      );
    }
    if ((is(t1, Start) || is(t1, Stop)) && state.kind === 'trigger') return keywords('sequence');
    if (is(t1, Stop) && state.inBlock) return keywords('if');
    if (is(t1, Sequence) && (is(t2, Start) || is(t2, Stop))) {
      return this.named('sequence', [...this.programSequences, ...this.catalog.sequences]);
    }
    if (is(t1, Wait)) return keywords('until');
    if (is(t1, Until)) return keywords(...WEEKDAYS);
    if (is(t1, Every)) {
      const schedule = keywords(...WEEKDAYS, 'day');
      return is(t2, StringLiteral) && is(t3, Sequence) ? [...keywords('time'), ...schedule] : schedule;
    }
    if ((is(t1, Weekday) || is(t1, Days)) && is(t2, Every)) return keywords('at');
    if (is(t1, TimeLiteral) && is(t2, At)) {
      return [...keywords('send email', 'send letter'), ...this.timeZoneRoots()];
    }
    if (is(t1, Within)) return keywords('last');
    if (is(t1, More)) return keywords('than');
    if (is(t1, Starts) || is(t1, Ends)) return keywords('with');
    if (is(t1, One)) return keywords('of');
    if (is(t1, Is)) return keywords('empty', 'not empty');
    if (is(t1, Not) && is(t2, Is)) return keywords('empty');
    if (is(t1, NumberLiteral) && (is(t2, Last) || is(t2, Than) || is(t2, Wait) || is(t2, Per))) {
      return keywords('minutes', 'hours', 'days', 'weeks');
    }
    if (is(t1, TimeUnit) && is(t3, Than)) return keywords('ago');
    if (is(t1, Once)) return [...keywords('per'), ...STATEMENT_STARTS];

    // Values after a comparison or inside "one of (...)".
    if ([Equals, NotEquals, Less, LessOrEqual, Greater, GreaterOrEqual].some((op) => is(t1, op))) {
      if (is(t1, Equals) && is(t2, StringLiteral) && is(t3, Selection)) return this.conditionStarts();
      const type = this.fieldBefore(tokens, n - 2);
      return type ? this.values(type) : [];
    }
    if (is(t1, Is) || (is(t1, LParen) && is(t2, Of)) || is(t1, Comma)) {
      let i = n - 1;
      while (i > 0 && !is(tokens[i], One)) i--;
      const type = this.fieldBefore(tokens, is(tokens[i - 1], Not) ? i - 2 : i - 1);
      return type ? this.values(type) : [];
    }

    const startsCondition =
      is(t1, And) ||
      is(t1, Or) ||
      is(t1, If) ||
      (is(t1, Not) && !is(t2, Is)) ||
      (is(t1, LParen) && !is(t2, Of)) ||
      (is(t1, To) && state.kind === 'schedule');
    if (startsCondition) {
      const extra = is(t1, To) && state.kind === 'schedule' ? keywords('selection') : [];
      return [...extra, ...this.conditionStarts()];
    }

    // A field name: offer the operators that fit its type.
    if (is(t1, Identifier) && this.fields.has(t1.image) && this.expectsCondition(tokens, n - 1)) {
      return this.operators(this.fields.get(t1.image)!.type);
    }

    if (is(t1, LBrace) && state.inBlock) return STEP_STARTS;
    if (is(t1, RBrace)) return STATEMENT_STARTS;

    // Something complete was just written: what may follow depends on where we are.
    if (isClosedString(t1) && is(t2, Sequence) && state.kind === 'trigger') {
      return [...keywords('once', 'once per', 'every time'), ...STATEMENT_STARTS];
    }
    if (isClosedString(t1) && (is(t2, Email) || is(t2, Letter)) && state.kind === 'schedule')
      return keywords('to');
    if (state.inBlock && this.endsStep(tokens)) return [...STEP_STARTS, { label: '}', kind: 'keyword' }];
    if (is(t1, Time) && is(t2, Every)) return STATEMENT_STARTS;
    if (is(t1, TimeUnit) && is(t3, Per)) return STATEMENT_STARTS;
    if (isSegment(t1) && this.groupPathBefore(tokens) === 'trigger') {
      return [...keywords('if', 'start sequence', 'stop sequence')];
    }
    if (
      isClosedString(t1) ||
      is(t1, NumberLiteral) ||
      is(t1, DateLiteral) ||
      is(t1, RParen) ||
      is(t1, Subscribed) ||
      is(t1, Unsubscribed) ||
      is(t1, Empty) ||
      is(t1, Ago) ||
      is(t1, TimeUnit) ||
      is(t1, Identifier)
    ) {
      return this.afterCompleteCondition(state);
    }
    return [];
  }

  private timeZoneRoots(): Candidate[] {
    const roots = new Set(Intl.supportedValuesOf('timeZone').map((zone) => zone.split('/')[0]!));
    return [...roots].map((root) => ({ label: root, kind: 'keyword', detail: 'time zone' }));
  }

  /** Whether a condition may start at token index i (so an Identifier there is a field). */
  private expectsCondition(tokens: IToken[], i: number): boolean {
    const prev = tokens[i - 1];
    const prev2 = tokens[i - 2];
    return (
      is(prev, And) ||
      is(prev, Or) ||
      is(prev, Not) ||
      is(prev, If) ||
      (is(prev, LParen) && !is(prev2, Of)) ||
      is(prev, To) ||
      (is(prev, Equals) && is(prev2, StringLiteral) && is(tokens[i - 3], Selection))
    );
  }

  /** What the group path ending at the last token belongs to. */
  private groupPathBefore(tokens: IToken[]): 'trigger' | 'step' | 'condition' | undefined {
    let i = tokens.length - 1;
    while (isSegment(tokens[i]) && is(tokens[i - 1], Slash)) i -= 2;
    const before = tokens[i - 1];
    const before2 = tokens[i - 2];
    if (is(before, To) && is(before2, Added)) return 'trigger';
    if (is(before, From) && is(before2, Removed)) return 'trigger';
    if ((is(before, To) && is(before2, Add)) || (is(before, From) && is(before2, Remove))) return 'step';
    if (is(before, In) || is(before, Exactly)) return 'condition';
    return undefined;
  }

  private endsStep(tokens: IToken[]): boolean {
    const n = tokens.length;
    const [t1, t2, t3] = [tokens[n - 1], tokens[n - 2], tokens[n - 3]];
    if (isClosedString(t1) && (is(t2, Email) || is(t2, Letter) || is(t2, Tag))) return true;
    if (is(t1, TimeUnit) && is(t3, Wait)) return true;
    if (is(t1, TimeLiteral) && (is(t2, Until) || is(t3, Until))) return true;
    if (isSegment(t1) && this.groupPathBefore(tokens) === 'step') return true;
    return false;
  }
}

/**
 * Completion candidates at `offset`. Works on the tokens before the cursor, so it also
 * works in text that does not parse yet.
 */
export function complete(text: string, offset: number, catalog: Catalog): CompletionItem[] {
  const cursor = Math.max(0, Math.min(offset, text.length));
  const lexed = ruleLexer.tokenize(text.slice(0, cursor));
  const inComment = (lexed.groups['comments'] ?? []).some((c) => c.startOffset + c.image.length === cursor);
  if (inComment) return [];
  const tokens = lexed.tokens;
  let partial = '';
  let range = { offset: cursor, length: 0 };
  const last = tokens[tokens.length - 1];
  if (last && last.startOffset + last.image.length === cursor) {
    const openString = last.tokenType === StringLiteral && !isClosedString(last);
    if (openString || isWord(last)) {
      partial = openString ? unquote(last.image) : last.image;
      range = { offset: last.startOffset, length: last.image.length };
      tokens.pop();
    } else if (last.tokenType === StringLiteral || last.tokenType === NumberLiteral) {
      return [];
    }
  }
  const all = ruleLexer.tokenize(text).tokens;
  const names = (type: TokenType) =>
    all.flatMap((tok, i) =>
      is(tok, type) && all[i + 1]?.tokenType === StringLiteral ? [unquote(all[i + 1]!.image)] : [],
    );
  const programSequences = names(Sequence).filter((_, i, list) => list.indexOf(list[i]!) === i);
  const programSelections = names(Selection);
  const candidates = new Completer(catalog, programSequences, programSelections).candidates(tokens);
  const wanted = partial.toLowerCase();
  const seen = new Set<string>();
  return candidates
    .filter((c) => c.label.toLowerCase().startsWith(wanted))
    .filter((c) => {
      const key = `${c.kind}:${c.label}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((c) => ({ ...c, range }));
}
