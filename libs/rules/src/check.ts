import type {
  ClockTime,
  Condition,
  Duration,
  FieldName,
  GroupPath,
  Literal,
  Program,
  ScheduleStatement,
  SelectionStatement,
  SequenceStatement,
  Span,
  Step,
  TriggerStatement,
} from './ast.js';
import { BUILTIN_FIELDS, closest, GroupIndex } from './catalog.js';
import type { Catalog, SavedSelection } from './catalog.js';
import { UNIT_SECONDS } from './checked.js';
import type {
  CheckedCondition,
  CheckedProgram,
  CheckedSchedule,
  CheckedSequence,
  CheckedStep,
  CheckedTrigger,
  CheckedValue,
  FieldType,
  GroupRef,
  ResolvedField,
} from './checked.js';
import { hasErrors, LineMap } from './diagnostics.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import { printPath, quote } from './format.js';
import { parse } from './parse.js';

export interface CheckOptions {
  /** The text the program was parsed from; needed for line and column numbers. */
  text?: string;
}

export interface CheckResult {
  /** Present only when there are no errors (warnings allowed). */
  checked?: CheckedProgram;
  diagnostics: Diagnostic[];
}

/** Largest duration accepted, so that every duration fits PostgreSQL intervals and timers. */
const MAX_SECONDS = 100 * 366 * 86400;

type SelectionSource =
  { kind: 'program'; statement: SelectionStatement } | { kind: 'saved'; saved: SavedSelection };

interface Redirect {
  span: Span;
  prefix: string;
}

function isValidDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function typeName(type: FieldType): string {
  switch (type.kind) {
    case 'enum':
      return `one of ${type.values.map((v) => quote(v)).join(', ')}`;
    case 'text':
      return 'text';
    case 'number':
      return 'a number';
    case 'date':
      return 'a date';
    case 'boolean':
      return 'yes/no (true or false)';
  }
}

const ORDERED_TYPES = new Set(['text', 'number', 'date']);

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly groups: GroupIndex;
  private readonly fields = new Map<string, ResolvedField>();
  private readonly selectionSources = new Map<string, SelectionSource>();
  private readonly resolvedSelections = new Map<string, CheckedCondition | null>();
  private readonly resolving: string[] = [];
  private readonly redirects: Redirect[] = [];
  private readonly sequenceNames = new Set<string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly lines: LineMap,
  ) {
    this.groups = new GroupIndex(catalog.groups);
    for (const field of catalog.customFields) {
      const type: FieldType =
        field.type === 'enum' ? { kind: 'enum', values: [...(field.values ?? [])] } : { kind: field.type };
      this.fields.set(field.key, { source: 'custom', name: field.key, key: field.key, type });
    }
    // Built-in names win over a custom field with the same key.
    for (const field of BUILTIN_FIELDS) {
      this.fields.set(field.name, {
        source: 'builtin',
        name: field.name,
        column: field.column,
        type: field.type,
        ...(field.caseInsensitive ? { caseInsensitive: true } : {}),
      });
    }
    for (const saved of catalog.selections) this.selectionSources.set(saved.name, { kind: 'saved', saved });
    for (const name of catalog.sequences) this.sequenceNames.add(name);
  }

  report(span: Span, severity: Severity, code: string, message: string, suggestion?: string): void {
    const redirect = this.redirects[this.redirects.length - 1];
    if (redirect) {
      this.diagnostics.push(
        this.lines.diagnostic(
          redirect.span.offset,
          redirect.span.length,
          severity,
          `${redirect.prefix}${message}`,
          {
            code,
          },
        ),
      );
      return;
    }
    this.diagnostics.push(
      this.lines.diagnostic(span.offset, span.length, severity, message, {
        code,
        ...(suggestion === undefined ? {} : { suggestion }),
      }),
    );
  }

  program(program: Program): CheckedProgram {
    const result: CheckedProgram = { selections: [], triggers: [], sequences: [], schedules: [] };
    const seenSelections = new Set<string>();
    for (const statement of program.statements) {
      if (statement.kind === 'selection') {
        if (seenSelections.has(statement.name)) {
          this.report(
            statement.nameSpan,
            'error',
            'duplicate-selection',
            `The selection ${quote(statement.name)} is defined twice.`,
          );
          continue;
        }
        seenSelections.add(statement.name);
        this.selectionSources.set(statement.name, { kind: 'program', statement });
      }
      if (statement.kind === 'sequence') {
        if (
          program.statements.some(
            (s) =>
              s !== statement &&
              s.kind === 'sequence' &&
              s.name === statement.name &&
              s.span.offset < statement.span.offset,
          )
        ) {
          this.report(
            statement.nameSpan,
            'error',
            'duplicate-sequence',
            `The sequence ${quote(statement.name)} is defined twice.`,
          );
        }
        this.sequenceNames.add(statement.name);
      }
    }
    const checkedSequences = new Set<string>();
    for (const statement of program.statements) {
      switch (statement.kind) {
        case 'selection': {
          if (this.selectionSources.get(statement.name)?.kind !== 'program') break;
          const source = this.selectionSources.get(statement.name);
          if (source?.kind !== 'program' || source.statement !== statement) break;
          const condition = this.selection(statement.name, statement.nameSpan);
          if (condition) result.selections.push({ name: statement.name, condition });
          break;
        }
        case 'trigger': {
          const trigger = this.trigger(statement);
          if (trigger) result.triggers.push(trigger);
          break;
        }
        case 'sequence': {
          if (checkedSequences.has(statement.name)) break;
          checkedSequences.add(statement.name);
          const sequence = this.sequence(statement);
          if (sequence) result.sequences.push(sequence);
          break;
        }
        case 'schedule': {
          const schedule = this.schedule(statement);
          if (schedule) result.schedules.push(schedule);
          break;
        }
      }
    }
    return result;
  }

  /** Resolves a selection by name once, inlining it; reports loops between selections. */
  selection(name: string, at: Span): CheckedCondition | undefined {
    if (this.resolving.includes(name)) {
      const loop = [...this.resolving.slice(this.resolving.indexOf(name)), name]
        .map((n) => quote(n))
        .join(' → ');
      this.report(at, 'error', 'selection-cycle', `These selections refer to each other in a loop: ${loop}.`);
      return undefined;
    }
    const done = this.resolvedSelections.get(name);
    if (done !== undefined) return done ?? undefined;
    const source = this.selectionSources.get(name);
    if (!source) {
      const suggestion = closest(name, this.selectionSources.keys());
      this.report(
        at,
        'error',
        'unknown-selection',
        `There is no selection ${quote(name)}.${suggestion === undefined ? '' : ` Did you mean ${quote(suggestion)}?`}`,
        suggestion === undefined ? undefined : quote(suggestion),
      );
      return undefined;
    }
    this.resolving.push(name);
    const before = this.diagnostics.filter((d) => d.severity === 'error').length;
    let condition: CheckedCondition | undefined;
    if (source.kind === 'program') {
      condition = this.condition(source.statement.condition);
    } else {
      this.redirects.push({ span: at, prefix: `In the saved selection ${quote(name)}: ` });
      condition = this.saved(source.saved);
      this.redirects.pop();
    }
    this.resolving.pop();
    const failed = this.diagnostics.filter((d) => d.severity === 'error').length > before;
    this.resolvedSelections.set(name, failed || !condition ? null : condition);
    return failed ? undefined : condition;
  }

  private saved(saved: SavedSelection): CheckedCondition | undefined {
    const nowhere = { offset: 0, length: 0 };
    if ('checked' in saved) {
      const { condition, problems } = relinkCondition(saved.checked, this.groups);
      for (const problem of problems) this.report(nowhere, 'error', 'missing-group', problem);
      return problems.length ? undefined : condition;
    }
    if ('condition' in saved) return this.condition(saved.condition);
    const parsed = parse(saved.source);
    if (!parsed.ast) {
      const first = parsed.diagnostics.find((d) => d.severity === 'error');
      this.report(
        nowhere,
        'error',
        'saved-selection-invalid',
        `it could not be read (${first?.message ?? 'syntax error'})`,
      );
      return undefined;
    }
    const statements = parsed.ast.statements.filter((s): s is SelectionStatement => s.kind === 'selection');
    const statement =
      statements.find((s) => s.name === saved.name) ?? (statements.length === 1 ? statements[0] : undefined);
    if (!statement) {
      this.report(nowhere, 'error', 'saved-selection-invalid', 'its text does not define it.');
      return undefined;
    }
    return this.condition(statement.condition);
  }

  condition(condition: Condition): CheckedCondition | undefined {
    switch (condition.kind) {
      case 'and':
      case 'or': {
        const operands = condition.operands.map((operand) => this.condition(operand));
        if (operands.some((operand) => operand === undefined)) return undefined;
        return { kind: condition.kind, operands: operands as CheckedCondition[] };
      }
      case 'not': {
        const operand = this.condition(condition.operand);
        return operand && { kind: 'not', operand };
      }
      case 'inGroup': {
        const group = this.group(condition.path);
        if (!group) return undefined;
        const subtree = condition.exactly ? [group] : this.groups.subtree(group.groupId);
        return { kind: 'inGroup', group, exactly: condition.exactly, subtree };
      }
      case 'inSegment': {
        const segment = this.catalog.segments.find((s) => s.name === condition.name);
        if (!segment) {
          const suggestion = closest(
            condition.name,
            this.catalog.segments.map((s) => s.name),
          );
          this.report(
            condition.span,
            'error',
            'unknown-segment',
            `There is no segment ${quote(condition.name)}.${suggestion === undefined ? '' : ` Did you mean ${quote(suggestion)}?`}`,
            suggestion === undefined ? undefined : quote(suggestion),
          );
          return undefined;
        }
        return { kind: 'inSegment', segmentId: segment.id, name: segment.name };
      }
      case 'inSelection': {
        const inner = this.selection(condition.name, condition.span);
        return inner && { kind: 'inSelection', name: condition.name, condition: inner };
      }
      case 'tagged':
        if (!this.storable(condition.tag, condition.span)) return undefined;
        this.tag(condition.tag, condition.span);
        return { kind: 'tagged', tag: condition.tag };
      case 'consent': {
        const field = this.fields.get('consent')!;
        return { kind: 'compare', field, op: '=', value: condition.value };
      }
      case 'compare': {
        const field = this.field(condition.field);
        if (!field) return undefined;
        if (!['=', '!='].includes(condition.op) && !ORDERED_TYPES.has(field.type.kind)) {
          this.report(
            condition.span,
            'error',
            'type-mismatch',
            `${field.name} is ${typeName(field.type)}, so it can only be compared with = or !=.`,
          );
          return undefined;
        }
        const value = this.value(field, condition.value);
        return value === undefined ? undefined : { kind: 'compare', field, op: condition.op, value };
      }
      case 'oneOf': {
        const field = this.field(condition.field);
        if (!field) return undefined;
        const values = condition.values.map((literal) => this.value(field, literal));
        if (values.some((value) => value === undefined)) return undefined;
        return { kind: 'oneOf', field, values: values as CheckedValue[], negated: condition.negated };
      }
      case 'text': {
        const field = this.field(condition.field);
        if (!field) return undefined;
        if (!this.storable(condition.value, condition.span)) return undefined;
        if (field.type.kind !== 'text') {
          this.report(
            condition.span,
            'error',
            'type-mismatch',
            `${field.name} is ${typeName(field.type)}, not text, so "contains", "starts with" and "ends with" do not apply.`,
          );
          return undefined;
        }
        return { kind: 'text', field, op: condition.op, value: condition.value };
      }
      case 'isEmpty': {
        const field = this.field(condition.field);
        return field && { kind: 'isEmpty', field, negated: condition.negated };
      }
      case 'relativeDate': {
        const field = this.field(condition.field);
        if (!field) return undefined;
        if (field.type.kind !== 'date') {
          this.report(
            condition.span,
            'error',
            'type-mismatch',
            `${field.name} is ${typeName(field.type)}, not a date.`,
          );
          return undefined;
        }
        const seconds = this.duration(condition.duration, condition.span, 0);
        return seconds === undefined
          ? undefined
          : { kind: 'relativeDate', field, op: condition.op, duration: condition.duration, seconds };
      }
      case 'dateCompare': {
        const field = this.field(condition.field);
        if (!field) return undefined;
        if (field.type.kind !== 'date') {
          this.report(
            condition.span,
            'error',
            'type-mismatch',
            `${field.name} is ${typeName(field.type)}, not a date.`,
          );
          return undefined;
        }
        if (!isValidDate(condition.date)) {
          this.report(
            condition.span,
            'error',
            'invalid-date',
            `${condition.date} is not a date in the calendar.`,
          );
          return undefined;
        }
        return { kind: 'compare', field, op: condition.op === 'before' ? '<' : '>', value: condition.date };
      }
    }
  }

  /** PostgreSQL text cannot hold NUL, so a value with one could never be stored or matched. */
  private storable(value: string, span: Span): boolean {
    if (!value.includes('\u0000')) return true;
    this.report(span, 'error', 'nul-character', 'Quoted text cannot contain the NUL character.');
    return false;
  }

  private field(name: FieldName): ResolvedField | undefined {
    const field = this.fields.get(name.name);
    if (field) return field;
    const suggestion = closest(name.name, this.fields.keys());
    this.report(
      name.span,
      'error',
      'unknown-field',
      `There is no field "${name.name}".${suggestion === undefined ? '' : ` Did you mean ${suggestion}?`}`,
      suggestion,
    );
    return undefined;
  }

  private value(field: ResolvedField, literal: Literal): CheckedValue | undefined {
    const type = field.type;
    if (!this.storable(literal.value, literal.span)) return undefined;
    const mismatch = (message: string, suggestion?: string) => {
      this.report(literal.span, 'error', 'type-mismatch', message, suggestion);
      return undefined;
    };
    switch (type.kind) {
      case 'text':
        if (literal.kind !== 'string') {
          return mismatch(`${field.name} is text: put the value in double quotes.`, quote(literal.value));
        }
        if (field.name === 'country' && !/^[A-Z]{2}$/.test(literal.value)) {
          this.report(
            literal.span,
            'warning',
            'country-code',
            `Countries are stored as two capital letters such as "DE", so ${quote(literal.value)} never matches.`,
          );
        }
        return literal.value;
      case 'number':
        if (literal.kind === 'number') return literal.value;
        return mismatch(
          `${field.name} is a number: write a number such as 1000, without quotes.`,
          /^-?\d+(\.\d+)?$/.test(literal.value) ? literal.value : undefined,
        );
      case 'date':
        if (literal.kind !== 'date') {
          return mismatch(
            `${field.name} is a date: write it as YYYY-MM-DD without quotes.`,
            /^\d{4}-\d{2}-\d{2}$/.test(literal.value) ? literal.value : undefined,
          );
        }
        if (!isValidDate(literal.value)) return mismatch(`${literal.value} is not a date in the calendar.`);
        return literal.value;
      case 'boolean':
        if (literal.kind === 'word' && (literal.value === 'true' || literal.value === 'false')) {
          return literal.value === 'true';
        }
        return mismatch(
          `${field.name} is yes/no: compare it with true or false.`,
          literal.value === 'true' || literal.value === 'false' ? literal.value : undefined,
        );
      case 'enum':
        if ((literal.kind === 'word' || literal.kind === 'string') && type.values.includes(literal.value)) {
          return literal.value;
        }
        {
          const suggestion = closest(literal.value, type.values);
          return mismatch(
            `${field.name} is ${typeName(type)}; ${literal.kind === 'string' ? quote(literal.value) : literal.value} is not one of them.`,
            suggestion,
          );
        }
    }
  }

  private duration(duration: Duration, span: Span, minimum: number): number | undefined {
    if (!Number.isInteger(duration.amount) || duration.amount < minimum) {
      this.report(
        span,
        'error',
        'invalid-duration',
        minimum > 0
          ? `A duration must be a whole number of at least ${minimum}.`
          : 'A duration must be a whole number, zero or more.',
      );
      return undefined;
    }
    const seconds = duration.amount * UNIT_SECONDS[duration.unit];
    if (seconds > MAX_SECONDS) {
      this.report(span, 'error', 'invalid-duration', 'This duration is longer than 100 years.');
      return undefined;
    }
    return seconds;
  }

  private clock(time: ClockTime, span: Span): boolean {
    if (time.hour > 23 || time.minute > 59) {
      this.report(span, 'error', 'invalid-time', 'A time of day goes from 00:00 to 23:59.');
      return false;
    }
    return true;
  }

  group(path: GroupPath): GroupRef | undefined {
    const group = this.groups.resolve(path.segments);
    if (group) return { groupId: group.id, path: this.groups.pathOf(group.id) };
    const written = path.segments.join('/');
    const candidates = new Map(this.groups.allPaths().map(({ path: p }) => [p.join('/'), p]));
    const match = closest(written, candidates.keys());
    const suggestion = match === undefined ? undefined : printPath(candidates.get(match)!);
    this.report(
      path.span,
      'error',
      'unknown-group',
      `There is no group ${printPath(path.segments)}.${suggestion === undefined ? '' : ` Did you mean ${suggestion}?`}`,
      suggestion,
    );
    return undefined;
  }

  private tag(tag: string, span: Span): void {
    const lower = (text: string) => text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
    if (this.catalog.tags.some((known) => lower(known) === lower(tag))) return;
    const suggestion = closest(tag, this.catalog.tags);
    this.report(
      span,
      'warning',
      'unknown-tag',
      `No contact has the tag ${quote(tag)} yet.${suggestion === undefined ? '' : ` Did you mean ${quote(suggestion)}?`}`,
      suggestion === undefined ? undefined : quote(suggestion),
    );
  }

  private template(channel: 'email' | 'letter', name: string, span: Span): boolean {
    const template = this.catalog.templates.find((t) => t.name === name && t.channel === channel);
    if (template) return true;
    const other = this.catalog.templates.find((t) => t.name === name);
    if (other) {
      this.report(
        span,
        'error',
        'wrong-template-channel',
        `${quote(name)} is ${other.channel === 'email' ? 'an email' : 'a letter'} template, not ${channel === 'email' ? 'an email' : 'a letter'} template.`,
      );
      return false;
    }
    const suggestion = closest(
      name,
      this.catalog.templates.filter((t) => t.channel === channel).map((t) => t.name),
    );
    this.report(
      span,
      'error',
      'unknown-template',
      `There is no ${channel} template ${quote(name)}.${suggestion === undefined ? '' : ` Did you mean ${quote(suggestion)}?`}`,
      suggestion === undefined ? undefined : quote(suggestion),
    );
    return false;
  }

  private trigger(statement: TriggerStatement): CheckedTrigger | undefined {
    const errorsBefore = this.errorCount();
    let event: CheckedTrigger['event'] | undefined;
    if (statement.event.kind === 'tagged') {
      this.storable(statement.event.tag, statement.event.span);
      this.tag(statement.event.tag, statement.event.span);
      event = { kind: 'tagged', tag: statement.event.tag };
    } else {
      const group = this.group(statement.event.path);
      if (group) event = { kind: statement.event.kind, group };
    }
    const condition = statement.condition ? this.condition(statement.condition) : undefined;
    const sequence = statement.action.sequence;
    if (!this.sequenceNames.has(sequence)) {
      const suggestion = closest(sequence, this.sequenceNames);
      this.report(
        statement.action.span,
        'error',
        'unknown-sequence',
        `There is no sequence ${quote(sequence)}.${suggestion === undefined ? '' : ` Did you mean ${quote(suggestion)}?`}`,
        suggestion === undefined ? undefined : quote(suggestion),
      );
    }
    let reentry: CheckedTrigger['reentry'] = { policy: 'once' };
    if (statement.reentry && statement.action.kind === 'stopSequence') {
      this.report(
        statement.span,
        'error',
        'reentry-on-stop',
        '"once" and "every time" only apply when a sequence is started.',
      );
    } else if (statement.reentry?.policy === 'everyTime') {
      reentry = { policy: 'everyTime' };
    } else if (statement.reentry?.policy === 'oncePer') {
      const { amount, unit } = statement.reentry.duration;
      if (unit !== 'days' && unit !== 'weeks') {
        this.report(statement.span, 'error', 'invalid-duration', 'Use days or weeks after "once per".');
      } else if (this.duration(statement.reentry.duration, statement.span, 1) !== undefined) {
        reentry = { policy: 'oncePerDays', days: unit === 'weeks' ? amount * 7 : amount };
      }
    }
    if (this.errorCount() > errorsBefore || !event) return undefined;
    return {
      event,
      ...(condition ? { condition } : {}),
      action: { kind: statement.action.kind, sequence },
      reentry,
    };
  }

  private sequence(statement: SequenceStatement): CheckedSequence | undefined {
    const errorsBefore = this.errorCount();
    if (statement.steps.length === 0) {
      this.report(
        statement.nameSpan,
        'warning',
        'empty-sequence',
        `The sequence ${quote(statement.name)} has no steps.`,
      );
    }
    const steps = statement.steps.map((step) => this.step(step));
    if (this.errorCount() > errorsBefore || steps.some((step) => step === undefined)) return undefined;
    return { name: statement.name, steps: steps as CheckedStep[] };
  }

  private step(step: Step): CheckedStep | undefined {
    switch (step.kind) {
      case 'send':
        return this.template(step.channel, step.template, step.span)
          ? { kind: 'send', channel: step.channel, template: step.template }
          : undefined;
      case 'wait': {
        const seconds = this.duration(step.duration, step.span, 1);
        return seconds === undefined ? undefined : { kind: 'wait', seconds, duration: step.duration };
      }
      case 'waitUntil':
        return this.clock(step.time, step.span)
          ? { kind: 'waitUntil', ...(step.weekday ? { weekday: step.weekday } : {}), time: step.time }
          : undefined;
      case 'stopIf': {
        const condition = this.condition(step.condition);
        return condition && { kind: 'stopIf', condition };
      }
      case 'addToGroup':
      case 'removeFromGroup': {
        const group = this.group(step.path);
        return group && { kind: step.kind, group };
      }
      case 'addTag':
        return this.storable(step.tag, step.span) ? { kind: 'addTag', tag: step.tag } : undefined;
      case 'removeTag':
        if (!this.storable(step.tag, step.span)) return undefined;
        this.tag(step.tag, step.span);
        return { kind: 'removeTag', tag: step.tag };
    }
  }

  private schedule(statement: ScheduleStatement): CheckedSchedule | undefined {
    const errorsBefore = this.errorCount();
    this.clock(statement.time, statement.span);
    if (statement.timeZone !== undefined && !isTimeZone(statement.timeZone)) {
      const suggestion = closest(statement.timeZone, Intl.supportedValuesOf('timeZone'));
      this.report(
        statement.timeZoneSpan ?? statement.span,
        'error',
        'unknown-time-zone',
        `${statement.timeZone} is not a time zone.${suggestion === undefined ? '' : ` Did you mean ${suggestion}?`}`,
        suggestion,
      );
    }
    this.template(statement.channel, statement.template, statement.templateSpan);
    const audience = this.condition(statement.audience);
    if (this.errorCount() > errorsBefore || !audience) return undefined;
    return {
      day: statement.day,
      time: statement.time,
      ...(statement.timeZone === undefined ? {} : { timeZone: statement.timeZone }),
      channel: statement.channel,
      template: statement.template,
      ...(statement.audience.kind === 'inSelection' ? { selection: statement.audience.name } : {}),
      audience,
    };
  }

  private errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}

/** Resolves names, types and group paths of a parsed program against a catalog. */
export function check(program: Program, catalog: Catalog, options: CheckOptions = {}): CheckResult {
  const checker = new Checker(catalog, new LineMap(options.text ?? null));
  const checked = checker.program(program);
  const diagnostics = checker.diagnostics.sort((a, b) => a.offset - b.offset);
  return hasErrors(diagnostics) ? { diagnostics } : { checked, diagnostics };
}

/** parse() then check(): the usual entry point for rule text. */
export function checkText(text: string, catalog: Catalog): CheckResult & { ast?: Program } {
  const parsed = parse(text);
  if (!parsed.ast) return { diagnostics: parsed.diagnostics };
  const result = check(parsed.ast, catalog, { text });
  const diagnostics = [...parsed.diagnostics, ...result.diagnostics].sort((a, b) => a.offset - b.offset);
  return { ...result, ast: parsed.ast, diagnostics };
}

export interface RelinkResult<T> {
  /** Absent when a referenced group no longer exists. */
  value?: T;
  problems: string[];
}

/**
 * Refreshes display paths and subtrees of a stored checked condition from the current
 * group tree: renamed and moved groups keep working, deleted ones are reported.
 */
export function relinkCondition(
  condition: CheckedCondition,
  groups: GroupIndex,
): { condition: CheckedCondition; problems: string[] } {
  const problems: string[] = [];
  const visit = (node: CheckedCondition): CheckedCondition => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, operands: node.operands.map(visit) };
      case 'not':
        return { kind: 'not', operand: visit(node.operand) };
      case 'inSelection':
        return { ...node, condition: visit(node.condition) };
      case 'inGroup': {
        if (!groups.has(node.group.groupId)) {
          problems.push(`the group ${printPath(node.group.path)} no longer exists.`);
          return node;
        }
        const group = { groupId: node.group.groupId, path: groups.pathOf(node.group.groupId) };
        return { ...node, group, subtree: node.exactly ? [group] : groups.subtree(group.groupId) };
      }
      default:
        return node;
    }
  };
  return { condition: visit(condition), problems };
}

function relinkGroup(ref: GroupRef, groups: GroupIndex, problems: string[]): GroupRef {
  if (!groups.has(ref.groupId)) {
    problems.push(`the group ${printPath(ref.path)} no longer exists.`);
    return ref;
  }
  return { groupId: ref.groupId, path: groups.pathOf(ref.groupId) };
}

/**
 * Brings a stored checked program up to date with the current catalog before it is
 * compiled or run: group paths and subtrees come from the ids.
 */
export function relink(
  checked: CheckedProgram,
  catalog: Pick<Catalog, 'groups'>,
): RelinkResult<CheckedProgram> {
  const groups = new GroupIndex(catalog.groups);
  const problems: string[] = [];
  const condition = (c: CheckedCondition) => {
    const result = relinkCondition(c, groups);
    problems.push(...result.problems);
    return result.condition;
  };
  const value: CheckedProgram = {
    selections: checked.selections.map((s) => ({ ...s, condition: condition(s.condition) })),
    triggers: checked.triggers.map((t) => ({
      ...t,
      event:
        t.event.kind === 'tagged'
          ? t.event
          : { ...t.event, group: relinkGroup(t.event.group, groups, problems) },
      ...(t.condition ? { condition: condition(t.condition) } : {}),
    })),
    sequences: checked.sequences.map((s) => ({
      ...s,
      steps: s.steps.map((step) => {
        if (step.kind === 'stopIf') return { ...step, condition: condition(step.condition) };
        if (step.kind === 'addToGroup' || step.kind === 'removeFromGroup') {
          return { ...step, group: relinkGroup(step.group, groups, problems) };
        }
        return step;
      }),
    })),
    schedules: checked.schedules.map((s) => ({ ...s, audience: condition(s.audience) })),
  };
  return problems.length ? { problems } : { value, problems };
}
