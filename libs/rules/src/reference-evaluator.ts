/*
 * Test-only oracle: evaluates a checked condition over in-memory contacts with exactly
 * the semantics compile-sql.ts documents. It is deliberately written without sharing
 * code with the compiler or explain(), so that tests comparing them mean something.
 */
import type { CompareOp } from './ast.js';
import type { CheckedCondition, CheckedValue, ResolvedField } from './checked.js';
import { decimalCompare } from './decimal.js';
import type { ContactFacts } from './facts.js';

type Value = string | number | boolean | bigint | null;

const DAY_MS = 86_400_000;

function lowerAscii(text: string): string {
  let out = '';
  for (const ch of text) out += ch >= 'A' && ch <= 'Z' ? String.fromCharCode(ch.charCodeAt(0) + 32) : ch;
  return out;
}

function codePointCompare(a: string, b: string): number {
  const left = [...a].map((ch) => ch.codePointAt(0)!);
  const right = [...b].map((ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return Math.sign(left.length - right.length);
}

function validCalendarDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(0, 0, 0, 0);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return date.getTime();
}

/** The field's value: text as string, number as decimal text, date as epoch ms, or null when missing. */
function read(field: ResolvedField, contact: ContactFacts): Value {
  if (field.source === 'builtin') {
    const raw = contact.fields[field.name];
    if (raw === undefined || raw === null) return null;
    if (field.type.kind === 'date') return Date.parse(raw);
    return field.caseInsensitive ? lowerAscii(raw) : raw;
  }
  const raw = contact.custom[field.key];
  switch (field.type.kind) {
    case 'text':
    case 'enum':
      return typeof raw === 'string' ? raw : null;
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : null;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'date':
      return typeof raw === 'string' ? validCalendarDate(raw) : null;
  }
}

function literal(field: ResolvedField, value: CheckedValue): Value {
  if (field.source === 'builtin' && field.caseInsensitive && typeof value === 'string')
    return lowerAscii(value);
  return value;
}

function ordered(field: ResolvedField, left: Value, right: Value): number {
  if (field.type.kind === 'number') return decimalCompare(String(left), String(right));
  if (typeof left === 'boolean' || typeof right === 'boolean') return left === right ? 0 : 1;
  return codePointCompare(String(left), String(right));
}

function compareDate(value: Value, op: CompareOp, date: string): boolean {
  if (value === null) return op === '!=';
  const start = validCalendarDate(date)!;
  const end = start + DAY_MS;
  const v = Number(value);
  switch (op) {
    case '=':
      return v >= start && v < end;
    case '!=':
      return !(v >= start && v < end);
    case '<':
      return v < start;
    case '<=':
      return v < end;
    case '>':
      return v >= end;
    case '>=':
      return v >= start;
  }
}

function compare(field: ResolvedField, value: Value, op: CompareOp, target: CheckedValue): boolean {
  if (field.type.kind === 'date') return compareDate(value, op, String(target));
  if (value === null) return op === '!=';
  const c = ordered(field, value, literal(field, target));
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

export interface EvaluationOptions {
  now: Date;
}

export function evaluate(
  condition: CheckedCondition,
  contact: ContactFacts,
  options: EvaluationOptions,
): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.operands.every((operand) => evaluate(operand, contact, options));
    case 'or':
      return condition.operands.some((operand) => evaluate(operand, contact, options));
    case 'not':
      return !evaluate(condition.operand, contact, options);
    case 'inGroup': {
      const ids = condition.exactly ? [condition.group.groupId] : condition.subtree.map((g) => g.groupId);
      return contact.memberships.some((m) => ids.includes(m.groupId));
    }
    case 'inSegment':
      return contact.segments.some((s) => s.segmentId === condition.segmentId);
    case 'inSelection':
      return evaluate(condition.condition, contact, options);
    case 'tagged':
      return contact.tags.some((t) => lowerAscii(t.name) === lowerAscii(condition.tag));
    case 'compare':
      return compare(condition.field, read(condition.field, contact), condition.op, condition.value);
    case 'oneOf': {
      const value = read(condition.field, contact);
      const hit = condition.values.some((v) => value !== null && compare(condition.field, value, '=', v));
      return condition.negated ? !hit : hit;
    }
    case 'text': {
      const value = read(condition.field, contact);
      if (typeof value !== 'string') return false;
      const needle = String(literal(condition.field, condition.value));
      if (condition.op === 'contains') return value.includes(needle);
      if (condition.op === 'startsWith') return value.startsWith(needle);
      return value.endsWith(needle);
    }
    case 'isEmpty': {
      const value = read(condition.field, contact);
      const kind = condition.field.type.kind;
      const empty = value === null || ((kind === 'text' || kind === 'enum') && value === '');
      return condition.negated ? !empty : empty;
    }
    case 'relativeDate': {
      const value = read(condition.field, contact);
      if (value === null) return false;
      const bound = options.now.getTime() - condition.seconds * 1000;
      return condition.op === 'withinLast' ? Number(value) >= bound : Number(value) < bound;
    }
  }
}

/** Ids of the contacts a condition matches, in input order. */
export function select(
  condition: CheckedCondition,
  contacts: readonly ContactFacts[],
  options: EvaluationOptions,
): string[] {
  return contacts.filter((contact) => evaluate(condition, contact, options)).map((contact) => contact.id);
}
