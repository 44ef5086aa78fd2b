import type { CompareOp } from './ast.js';
import type { CheckedCondition, CheckedSelection, CheckedValue, ResolvedField } from './checked.js';
import { decimalCompare } from './decimal.js';
import type { ContactFacts } from './facts.js';
import { printDuration, printPath, quote } from './format.js';

export interface Explanation {
  /** The clause as rule text, with current group paths. */
  clause: string;
  result: boolean;
  /** Why, in plain language: "via Travel/Greece/Crete since 2026-11-02". */
  reason: string;
  children?: Explanation[];
}

export interface ExplainOptions {
  /** Reference time for relative dates; default is the current time. */
  now?: Date;
}

const DAY_MS = 86_400_000;

function printValue(field: ResolvedField, value: CheckedValue): string {
  if (typeof value === 'boolean') return String(value);
  if (field.type.kind === 'text') return quote(value);
  return value;
}

/** Rule text of a checked condition; paths are the display paths it carries. */
export function describe(condition: CheckedCondition, parent?: CheckedCondition['kind']): string {
  const text = describeBare(condition);
  const needsParens =
    (condition.kind === 'or' && (parent === 'and' || parent === 'not' || parent === 'or')) ||
    (condition.kind === 'and' && (parent === 'not' || parent === 'and'));
  return needsParens ? `(${text})` : text;
}

function describeBare(condition: CheckedCondition): string {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return condition.operands
        .map((operand) => describe(operand, condition.kind))
        .join(` ${condition.kind} `);
    case 'not':
      return `not ${describe(condition.operand, 'not')}`;
    case 'inGroup':
      return `in ${condition.exactly ? 'exactly ' : ''}${printPath(condition.group.path)}`;
    case 'inSegment':
      return `in segment ${quote(condition.name)}`;
    case 'inSelection':
      return `in selection ${quote(condition.name)}`;
    case 'tagged':
      return `tagged ${quote(condition.tag)}`;
    case 'compare':
      return `${condition.field.name} ${condition.op} ${printValue(condition.field, condition.value)}`;
    case 'oneOf':
      return `${condition.field.name} ${condition.negated ? 'not ' : ''}one of (${condition.values
        .map((v) => printValue(condition.field, v))
        .join(', ')})`;
    case 'text':
      return `${condition.field.name} ${{ contains: 'contains', startsWith: 'starts with', endsWith: 'ends with' }[condition.op]} ${quote(condition.value)}`;
    case 'isEmpty':
      return `${condition.field.name} is ${condition.negated ? 'not ' : ''}empty`;
    case 'relativeDate':
      return condition.op === 'withinLast'
        ? `${condition.field.name} within last ${printDuration(condition.duration)}`
        : `${condition.field.name} more than ${printDuration(condition.duration)} ago`;
  }
}

interface Read {
  /** Comparable value, or null when missing or unusable. */
  value: string | number | boolean | null;
  /** How to show it to a person. */
  shown: string;
}

function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

function calendarDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = new Date(0);
  date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  date.setUTCHours(0, 0, 0, 0);
  return date.toISOString().slice(0, 10) === text.padStart(10, '0') && Number(match[1]) >= 1
    ? date.getTime()
    : null;
}

function readField(field: ResolvedField, contact: ContactFacts): Read {
  if (field.source === 'builtin') {
    const raw = contact.fields[field.name];
    if (raw === undefined || raw === null) return { value: null, shown: 'empty' };
    if (field.type.kind === 'date') return { value: Date.parse(raw), shown: raw };
    return { value: field.caseInsensitive ? asciiLowerCase(raw) : raw, shown: quote(raw) };
  }
  const raw = contact.custom[field.key];
  if (raw === undefined || raw === null) return { value: null, shown: 'empty' };
  const shown = typeof raw === 'string' ? quote(raw) : JSON.stringify(raw);
  const kind = field.type.kind;
  if ((kind === 'text' || kind === 'enum') && typeof raw === 'string') return { value: raw, shown };
  if (kind === 'number' && typeof raw === 'number' && Number.isFinite(raw)) return { value: raw, shown };
  if (kind === 'boolean' && typeof raw === 'boolean') return { value: raw, shown };
  if (kind === 'date' && typeof raw === 'string' && calendarDay(raw) !== null)
    return { value: calendarDay(raw), shown };
  return { value: null, shown: `${shown}, which is not a ${kind}` };
}

function codePoints(text: string): number[] {
  return Array.from(text, (ch) => ch.codePointAt(0)!);
}

function textOrder(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return Math.sign(x.length - y.length);
}

function holds(op: CompareOp, order: number): boolean {
  return {
    '=': order === 0,
    '!=': order !== 0,
    '<': order < 0,
    '<=': order <= 0,
    '>': order > 0,
    '>=': order >= 0,
  }[op];
}

function compareValue(field: ResolvedField, read: Read, op: CompareOp, target: CheckedValue): boolean {
  if (read.value === null) return op === '!=';
  if (field.type.kind === 'date') {
    const start = calendarDay(String(target))!;
    const v = Number(read.value);
    const inside = v >= start && v < start + DAY_MS;
    if (op === '=') return inside;
    if (op === '!=') return !inside;
    if (op === '<') return v < start;
    if (op === '<=') return v < start + DAY_MS;
    if (op === '>') return v >= start + DAY_MS;
    return v >= start;
  }
  if (field.type.kind === 'number') return holds(op, decimalCompare(String(read.value), String(target)));
  if (typeof target === 'boolean') return holds(op, read.value === target ? 0 : 1);
  const wanted = field.source === 'builtin' && field.caseInsensitive ? asciiLowerCase(target) : target;
  return holds(op, textOrder(String(read.value), wanted));
}

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'an unknown date';
}

function yesNo(result: boolean): string {
  return result ? 'yes' : 'no';
}

class Explainer {
  constructor(
    private readonly contact: ContactFacts,
    private readonly now: Date,
  ) {}

  explain(condition: CheckedCondition): Explanation {
    const clause = describe(condition);
    const done = (result: boolean, reason: string, children?: Explanation[]): Explanation => ({
      clause,
      result,
      reason,
      ...(children ? { children } : {}),
    });
    switch (condition.kind) {
      case 'and': {
        const children = condition.operands.map((operand) => this.explain(operand));
        const failing = children.find((c) => !c.result);
        return done(!failing, failing ? `"${failing.clause}" does not hold` : 'every part holds', children);
      }
      case 'or': {
        const children = condition.operands.map((operand) => this.explain(operand));
        const holding = children.find((c) => c.result);
        return done(!!holding, holding ? `"${holding.clause}" holds` : 'no part holds', children);
      }
      case 'not': {
        const inner = this.explain(condition.operand);
        return done(!inner.result, `"${inner.clause}" is ${yesNo(inner.result)}`, [inner]);
      }
      case 'inGroup': {
        const candidates = condition.exactly ? [condition.group] : condition.subtree;
        const hits = candidates.flatMap((group) =>
          this.contact.memberships
            .filter((m) => m.groupId === group.groupId)
            .map((m) => ({ group, addedAt: m.addedAt })),
        );
        if (hits.length === 0) {
          return done(
            false,
            condition.exactly || condition.subtree.length === 1
              ? `not a member of ${printPath(condition.group.path)}`
              : `not a member of ${printPath(condition.group.path)} or any group below it`,
          );
        }
        hits.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
        const first = hits[0]!;
        const via =
          first.group.groupId === condition.group.groupId ? 'directly' : `via ${printPath(first.group.path)}`;
        const more = hits.length > 1 ? ` (and ${hits.length - 1} more)` : '';
        return done(true, `${via} since ${day(first.addedAt)}${more}`);
      }
      case 'inSegment': {
        const hit = this.contact.segments.find((s) => s.segmentId === condition.segmentId);
        return done(
          !!hit,
          hit ? `in the segment${hit.addedAt ? ` since ${day(hit.addedAt)}` : ''}` : 'not in the segment',
        );
      }
      case 'inSelection': {
        const inner = this.explain(condition.condition);
        return done(inner.result, inner.result ? 'matches the selection' : 'does not match the selection', [
          inner,
        ]);
      }
      case 'tagged': {
        const hit = this.contact.tags.find((t) => asciiLowerCase(t.name) === asciiLowerCase(condition.tag));
        return done(
          !!hit,
          hit ? `tagged${hit.taggedAt ? ` since ${day(hit.taggedAt)}` : ''}` : 'does not have this tag',
        );
      }
      case 'compare': {
        const read = readField(condition.field, this.contact);
        return done(
          compareValue(condition.field, read, condition.op, condition.value),
          `${condition.field.name} is ${read.shown}`,
        );
      }
      case 'oneOf': {
        const read = readField(condition.field, this.contact);
        const hit =
          read.value !== null && condition.values.some((v) => compareValue(condition.field, read, '=', v));
        return done(condition.negated ? !hit : hit, `${condition.field.name} is ${read.shown}`);
      }
      case 'text': {
        const read = readField(condition.field, this.contact);
        let result = false;
        if (typeof read.value === 'string') {
          const needle =
            condition.field.source === 'builtin' && condition.field.caseInsensitive
              ? asciiLowerCase(condition.value)
              : condition.value;
          result =
            condition.op === 'contains'
              ? read.value.includes(needle)
              : condition.op === 'startsWith'
                ? read.value.startsWith(needle)
                : read.value.endsWith(needle);
        }
        return done(result, `${condition.field.name} is ${read.shown}`);
      }
      case 'isEmpty': {
        const read = readField(condition.field, this.contact);
        const kind = condition.field.type.kind;
        const empty = read.value === null || ((kind === 'text' || kind === 'enum') && read.value === '');
        return done(condition.negated ? !empty : empty, `${condition.field.name} is ${read.shown}`);
      }
      case 'relativeDate': {
        const read = readField(condition.field, this.contact);
        if (read.value === null) return done(false, `${condition.field.name} is ${read.shown}`);
        const bound = this.now.getTime() - condition.seconds * 1000;
        const v = Number(read.value);
        const result = condition.op === 'withinLast' ? v >= bound : v < bound;
        const days = Math.floor((this.now.getTime() - v) / DAY_MS);
        const age = days >= 0 ? `${days} day${days === 1 ? '' : 's'} ago` : 'in the future';
        return done(result, `${condition.field.name} is ${read.shown} (${age})`);
      }
    }
  }
}

/** Why a selection does or does not match one contact, clause by clause. */
export function explain(
  selection: CheckedSelection | CheckedCondition,
  contact: ContactFacts,
  options: ExplainOptions = {},
): Explanation {
  const condition = 'kind' in selection ? selection : selection.condition;
  return new Explainer(contact, options.now ?? new Date()).explain(condition);
}

/** Indented plain text, one clause per line: `in Travel/Greece: yes, via Travel/Greece/Crete since 2026-11-02`. */
export function formatExplanation(explanation: Explanation, depth = 0): string {
  const line = `${'  '.repeat(depth)}${explanation.clause}: ${yesNo(explanation.result)}, ${explanation.reason}`;
  const children = explanation.children ?? [];
  return [line, ...children.map((child) => formatExplanation(child, depth + 1))].join('\n');
}
