import type {
  ClockTime,
  Condition,
  Duration,
  GroupPath,
  Literal,
  Program,
  ScheduleStatement,
  SequenceStatement,
  Statement,
  Step,
  TriggerStatement,
} from './ast.js';
import { parse } from './parse.js';
import type { SourceComment } from './parse.js';
import { RESERVED_WORDS } from './tokens.js';

const WIDTH = 110;
const INDENT = '  ';
const BARE_WORD = /^[\p{L}_][\p{L}\p{M}\p{N}_-]*$/u;

export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `${out}"`;
}

/** Whether a word can be written without quotes where a name is expected. */
export function isBareWord(value: string): boolean {
  return BARE_WORD.test(value) && !RESERVED_WORDS.has(value);
}

export function printPath(path: readonly string[]): string {
  return path.map((segment) => (isBareWord(segment) ? segment : quote(segment))).join('/');
}

function printGroupPath(path: GroupPath): string {
  return printPath(path.segments);
}

export function printNumber(value: number): string {
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

export function printDuration(duration: Duration): string {
  const unit = duration.amount === 1 ? duration.unit.slice(0, -1) : duration.unit;
  return `${printNumber(duration.amount)} ${unit}`;
}

export function printTime(time: ClockTime): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

function printLiteral(literal: Literal): string {
  return literal.kind === 'string' ? quote(literal.value) : literal.value;
}

const PRECEDENCE: Partial<Record<Condition['kind'], number>> = { or: 1, and: 2, not: 3 };

function precedence(condition: Condition): number {
  return PRECEDENCE[condition.kind] ?? 4;
}

/**
 * Prints a condition on one line. A child of the same kind is parenthesised, so
 * `(a and b) and c` keeps its shape and printing never changes the tree.
 */
export function printCondition(condition: Condition, minimum = 0): string {
  const text = printConditionBare(condition);
  return precedence(condition) < minimum ? `(${text})` : text;
}

function printConditionBare(condition: Condition): string {
  switch (condition.kind) {
    case 'or':
      return condition.operands.map((operand) => printCondition(operand, 2)).join(' or ');
    case 'and':
      return condition.operands.map((operand) => printCondition(operand, 3)).join(' and ');
    case 'not':
      return `not ${printCondition(condition.operand, 3)}`;
    case 'inGroup':
      return `in ${condition.exactly ? 'exactly ' : ''}${printGroupPath(condition.path)}`;
    case 'inSegment':
      return `in segment ${quote(condition.name)}`;
    case 'inSelection':
      return `in selection ${quote(condition.name)}`;
    case 'tagged':
      return `tagged ${quote(condition.tag)}`;
    case 'consent':
      return condition.value;
    case 'compare':
      return `${condition.field.name} ${condition.op} ${printLiteral(condition.value)}`;
    case 'oneOf':
      return `${condition.field.name} ${condition.negated ? 'not ' : ''}one of (${condition.values
        .map(printLiteral)
        .join(', ')})`;
    case 'text': {
      const op = { contains: 'contains', startsWith: 'starts with', endsWith: 'ends with' }[condition.op];
      return `${condition.field.name} ${op} ${quote(condition.value)}`;
    }
    case 'isEmpty':
      return `${condition.field.name} is ${condition.negated ? 'not ' : ''}empty`;
    case 'relativeDate':
      return condition.op === 'withinLast'
        ? `${condition.field.name} within last ${printDuration(condition.duration)}`
        : `${condition.field.name} more than ${printDuration(condition.duration)} ago`;
    case 'dateCompare':
      return `${condition.field.name} ${condition.op} ${condition.date}`;
  }
}

function printTrigger(trigger: TriggerStatement): string {
  const event =
    trigger.event.kind === 'addedTo'
      ? `added to ${printGroupPath(trigger.event.path)}`
      : trigger.event.kind === 'removedFrom'
        ? `removed from ${printGroupPath(trigger.event.path)}`
        : `tagged ${quote(trigger.event.tag)}`;
  const condition = trigger.condition ? ` if ${printCondition(trigger.condition)}` : '';
  const verb = trigger.action.kind === 'startSequence' ? 'start' : 'stop';
  let reentry = '';
  if (trigger.reentry?.policy === 'once') reentry = ' once';
  if (trigger.reentry?.policy === 'everyTime') reentry = ' every time';
  if (trigger.reentry?.policy === 'oncePer') reentry = ` once per ${printDuration(trigger.reentry.duration)}`;
  return `when ${event}${condition} ${verb} sequence ${quote(trigger.action.sequence)}${reentry}`;
}

export function printStep(step: Step): string {
  switch (step.kind) {
    case 'send':
      return `send ${step.channel} ${quote(step.template)}`;
    case 'wait':
      return `wait ${printDuration(step.duration)}`;
    case 'waitUntil':
      return `wait until ${step.weekday ? `${step.weekday} ` : ''}${printTime(step.time)}`;
    case 'stopIf':
      return `stop if ${printCondition(step.condition)}`;
    case 'addToGroup':
      return `add to ${printGroupPath(step.path)}`;
    case 'removeFromGroup':
      return `remove from ${printGroupPath(step.path)}`;
    case 'addTag':
      return `add tag ${quote(step.tag)}`;
    case 'removeTag':
      return `remove tag ${quote(step.tag)}`;
  }
}

function printSchedule(schedule: ScheduleStatement): string {
  const zone = schedule.timeZone ? ` ${schedule.timeZone}` : '';
  const audience =
    schedule.audience.kind === 'inSelection'
      ? `selection ${quote(schedule.audience.name)}`
      : printCondition(schedule.audience);
  return `every ${schedule.day} at ${printTime(schedule.time)}${zone} send ${schedule.channel} ${quote(
    schedule.template,
  )} to ${audience}`;
}

/** Canonical text of a program, without comments. */
export function print(program: Program): string {
  return layout(program, '', []);
}

/**
 * Canonical layout of rule text. Text with syntax errors is returned unchanged,
 * since its meaning is not known. Comments are kept: each one stays attached to the
 * statement, step or condition line it was written on or above.
 */
export function format(text: string): string {
  const parsed = parse(text);
  if (!parsed.ast) return text;
  return layout(parsed.ast, text, parsed.comments);
}

interface Unit {
  start: number;
  end: number;
  /** Starts a statement or a step, where a blank line from the source is kept. */
  spaced: boolean;
  leading: { text: string; blankBefore: boolean }[];
  trailing: string[];
  blankBefore: boolean;
}

interface StatementUnits {
  statement: Statement;
  units: Unit[];
}

function unit(start: number, end: number, spaced: boolean): Unit {
  return { start, end, spaced, leading: [], trailing: [], blankBefore: false };
}

/** Offset just after the first `marker` at or after `from`, skipping blanks and comments. */
function after(text: string, from: number, marker: string): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === marker) return i + 1;
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    i++;
  }
  return from;
}

function spanEnd(span: { offset: number; length: number }): number {
  return span.offset + span.length;
}

function chainOf(statement: Statement): Condition[] | undefined {
  if (statement.kind !== 'selection') return undefined;
  const condition = statement.condition;
  return condition.kind === 'and' || condition.kind === 'or' ? condition.operands : undefined;
}

function unitsOf(statement: Statement, text: string): Unit[] {
  const start = statement.span.offset;
  const end = spanEnd(statement.span);
  const chain = chainOf(statement);
  if (chain && statement.kind === 'selection') {
    const header = unit(start, after(text, spanEnd(statement.nameSpan), '='), true);
    return [header, ...chain.map((operand) => unit(operand.span.offset, spanEnd(operand.span), false))];
  }
  if (statement.kind === 'sequence') {
    const header = unit(start, after(text, spanEnd(statement.nameSpan), '{'), true);
    const steps = statement.steps.map((step) => unit(step.span.offset, spanEnd(step.span), true));
    return [header, ...steps, unit(end - 1, end, false)];
  }
  return [unit(start, end, true)];
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) count++;
  }
  return count;
}

function attachComments(text: string, all: StatementUnits[], comments: SourceComment[]): SourceComment[] {
  const units = all.flatMap((entry) => entry.units);
  const trailingOfFile: SourceComment[] = [];
  let previousEnd = 0;
  let next = 0;
  const events: { offset: number; end: number; apply: (blank: boolean) => void }[] = [];
  for (const u of units)
    events.push({ offset: u.start, end: u.end, apply: (blank) => (u.blankBefore = blank) });
  for (const comment of comments)
    events.push({ offset: comment.offset, end: comment.offset + comment.text.length, apply: () => {} });
  events.sort((a, b) => a.offset - b.offset);
  for (const event of events) {
    event.apply(previousEnd > 0 && countLineBreaks(text, previousEnd, event.offset) >= 2);
    previousEnd = Math.max(previousEnd, event.end);
  }

  for (const comment of comments) {
    const body = comment.text.trimEnd();
    while (next < units.length && units[next]!.end <= comment.offset) next++;
    const current = units[next];
    if (current && current.start <= comment.offset) {
      current.trailing.push(body);
      continue;
    }
    const previous = units[next - 1];
    if (previous && countLineBreaks(text, previous.end, comment.offset) === 0) {
      previous.trailing.push(body);
      continue;
    }
    const blankBefore =
      countLineBreaks(text, previousEndBefore(units, comments, comment), comment.offset) >= 2;
    if (current) current.leading.push({ text: body, blankBefore });
    else trailingOfFile.push({ offset: blankBefore ? 1 : 0, text: body });
  }
  return trailingOfFile;
}

function previousEndBefore(units: Unit[], comments: SourceComment[], comment: SourceComment): number {
  let end = 0;
  for (const u of units) if (u.end <= comment.offset) end = Math.max(end, u.end);
  for (const c of comments) if (c.offset < comment.offset) end = Math.max(end, c.offset + c.text.length);
  return end;
}

function layout(program: Program, text: string, comments: SourceComment[]): string {
  const all = program.statements.map((statement) => ({ statement, units: unitsOf(statement, text) }));
  const trailingOfFile = attachComments(text, all, comments);
  const lines: string[] = [];
  const push = (line: string, blank: boolean) => {
    if (blank && lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
    lines.push(line);
  };
  const emitLeading = (u: Unit, indent: string) => {
    u.leading.forEach((comment) => push(indent + comment.text, comment.blankBefore));
  };
  const withTrailing = (line: string, trailing: string[]) =>
    trailing.length ? `${line} ${trailing.join(' ')}` : line;

  for (const { statement, units } of all) {
    const first = units[0]!;
    const blank = first.blankBefore;
    emitLeading(first, '');
    if (statement.kind === 'sequence') {
      emitSequence(statement, units, push, emitLeading, withTrailing, blank);
      continue;
    }
    const chain = chainOf(statement);
    if (statement.kind === 'selection' && chain) {
      const operands = units.slice(1);
      const interior =
        first.trailing.length > 0 ||
        operands.some((u, i) => u.leading.length > 0 || (i < operands.length - 1 && u.trailing.length > 0));
      const oneLine = `selection ${quote(statement.name)} = ${printCondition(statement.condition)}`;
      const last = operands[operands.length - 1]!;
      if (!interior && oneLine.length <= WIDTH) {
        push(withTrailing(oneLine, last.trailing), blank);
        continue;
      }
      push(withTrailing(`selection ${quote(statement.name)} =`, first.trailing), blank);
      const connector = statement.condition.kind === 'and' ? 'and ' : 'or ';
      const minimum = statement.condition.kind === 'and' ? 3 : 2;
      chain.forEach((operand, index) => {
        const u = operands[index]!;
        u.blankBefore = false;
        u.leading.forEach((comment) => push(INDENT + comment.text, false));
        push(
          withTrailing(
            `${INDENT}${index === 0 ? '' : connector}${printCondition(operand, minimum)}`,
            u.trailing,
          ),
          false,
        );
      });
      continue;
    }
    const line =
      statement.kind === 'selection'
        ? `selection ${quote(statement.name)} = ${printCondition(statement.condition)}`
        : statement.kind === 'trigger'
          ? printTrigger(statement)
          : printSchedule(statement);
    push(withTrailing(line, first.trailing), blank);
  }
  trailingOfFile.forEach((comment) => push(comment.text, comment.offset === 1));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function emitSequence(
  sequence: SequenceStatement,
  units: Unit[],
  push: (line: string, blank: boolean) => void,
  emitLeading: (u: Unit, indent: string) => void,
  withTrailing: (line: string, trailing: string[]) => string,
  blank: boolean,
): void {
  const header = units[0]!;
  const close = units[units.length - 1]!;
  const steps = units.slice(1, -1);
  const head = `sequence ${quote(sequence.name)} {`;
  if (steps.length === 0 && close.leading.length === 0) {
    push(withTrailing(`${head}}`, [...header.trailing, ...close.trailing]), blank);
    return;
  }
  push(withTrailing(head, header.trailing), blank);
  sequence.steps.forEach((step, index) => {
    const u = steps[index]!;
    const stepBlank = index > 0 && u.blankBefore;
    if (index === 0) u.leading.forEach((comment) => push(INDENT + comment.text, false));
    else emitLeading(u, INDENT);
    push(withTrailing(INDENT + printStep(step), u.trailing), stepBlank);
  });
  close.leading.forEach((comment) => push(INDENT + comment.text, false));
  push(withTrailing('}', close.trailing), false);
}
