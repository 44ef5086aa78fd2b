import type { CompareOp } from './ast.js';
import type { CheckedCondition, CheckedSelection, CheckedValue, ResolvedField } from './checked.js';

/** A parameterised SQL fragment; placeholders are $1..$n in order of params. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface CompileSelectionOptions {
  /**
   * Extra predicate ANDed in, e.g. an access scope such as
   * `{ sql: 'c.responsible_user_id = $1', params: [userId] }`. Its placeholders are
   * renumbered; it must not contain `$n` inside string literals.
   */
  scope?: SqlFragment;
  /** Fixes "now" for relative dates (tests, previews); default is the database's now(). */
  now?: Date;
}

export interface CompiledSelection {
  /** `SELECT c.id FROM <from> WHERE <predicate>` */
  sql: string;
  /** The same filter as `SELECT count(*)::int AS count FROM <from> WHERE <predicate>`. */
  countSql: string;
  /**
   * `contacts c` and the joins the compiler hoisted out of the condition; each joins at
   * most one row per contact, so composed queries need no DISTINCT.
   */
  from: string;
  /** The WHERE condition on alias c, for composing into other queries after `FROM <from>`. */
  predicate: string;
  params: unknown[];
}

/*
 * Semantics, mirrored exactly by the reference evaluator used in tests:
 * - Every condition is true or false, never NULL: a comparison with a missing value
 *   is false, and "not" turns it into true. `a != v` means `not (a = v)`, so a
 *   contact without a city is "city != Berlin".
 * - Email and tag names compare ignoring ASCII letter case (tag names are unique
 *   case-insensitively). Other text compares exactly; < and >
 *   order text by code point (COLLATE "C").
 * - A custom value of the wrong JSON type counts as missing. Custom dates are
 *   strings YYYY-MM-DD, read as midnight UTC; other strings count as missing.
 * - A date literal D is a UTC calendar day: `= D` is within that day, `< D` before
 *   it starts, `> D` after it ends.
 * - Relative dates count exact seconds back from now (a day is 86400 s).
 */

class SqlBuilder {
  readonly params: unknown[] = [];
  private readonly scalars = new Map<string, string>();

  param(value: unknown, cast: string): string {
    const key =
      typeof value === 'string' || typeof value === 'boolean'
        ? `${typeof value}:${String(value)}:${cast}`
        : undefined;
    if (key !== undefined) {
      const existing = this.scalars.get(key);
      if (existing) return existing;
    }
    this.params.push(value);
    const placeholder = `$${this.params.length}::${cast}`;
    if (key !== undefined) this.scalars.set(key, placeholder);
    return placeholder;
  }
}

/** ASCII-only lower case, the same as PostgreSQL's lower() under COLLATE "C". */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

function nextDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const next = new Date(Date.UTC(year!, month! - 1, day! + 1));
  next.setUTCFullYear(year!, month! - 1, day! + 1);
  return next.toISOString();
}

function dayStart(date: string): string {
  return `${date}T00:00:00.000Z`;
}

const MEMBERSHIP_KINDS = new Set(['inGroup', 'tagged', 'inSegment']);
type MembershipOf<K extends 'inGroup' | 'tagged' | 'inSegment'> = Extract<CheckedCondition, { kind: K }>;

function never(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

class ConditionCompiler {
  constructor(
    private readonly b: SqlBuilder,
    private readonly now: Date | undefined,
  ) {}

  private nowSql(): string {
    return this.now ? this.b.param(this.now.toISOString(), 'timestamptz') : 'now()';
  }

  /** The field's value as SQL, NULL when missing or of the wrong JSON type. */
  private value(field: ResolvedField): string {
    if (field.source === 'builtin') {
      const column = `c.${field.column}`;
      return field.type.kind === 'text' && field.caseInsensitive ? `lower(${column} COLLATE "C")` : column;
    }
    const key = this.b.param(field.key, 'text');
    const raw = `(c.custom ->> ${key})`;
    const typeOf = `jsonb_typeof(c.custom -> ${key})`;
    switch (field.type.kind) {
      case 'text':
      case 'enum':
        return `(CASE WHEN ${typeOf} = 'string' THEN ${raw} END)`;
      case 'number':
        return `(CASE WHEN ${typeOf} = 'number' THEN ${raw}::numeric END)`;
      case 'boolean':
        return `(CASE WHEN ${typeOf} = 'boolean' THEN ${raw}::boolean END)`;
      case 'date':
        return `(CASE WHEN ${typeOf} = 'string' AND ${raw} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND pg_input_is_valid(${raw}, 'date') THEN (${raw}::date::timestamp AT TIME ZONE 'UTC') END)`;
      default:
        return never(field.type);
    }
  }

  private literal(field: ResolvedField, value: CheckedValue): string {
    switch (field.type.kind) {
      case 'number':
        return this.b.param(String(value), 'numeric');
      case 'boolean':
        return this.b.param(value, 'boolean');
      case 'text':
        return this.b.param(
          field.source === 'builtin' && field.caseInsensitive ? asciiLower(String(value)) : value,
          'text',
        );
      default:
        return this.b.param(value, 'text');
    }
  }

  private textOrdering(field: ResolvedField, sql: string): string {
    return field.type.kind === 'text' ? `${sql} COLLATE "C"` : sql;
  }

  private dateCompare(valueSql: string, op: CompareOp, date: string): string {
    const start = () => this.b.param(dayStart(date), 'timestamptz');
    const end = () => this.b.param(nextDay(date), 'timestamptz');
    switch (op) {
      case '=':
        return `COALESCE(${valueSql} >= ${start()} AND ${valueSql} < ${end()}, false)`;
      case '!=':
        return `NOT COALESCE(${valueSql} >= ${start()} AND ${valueSql} < ${end()}, false)`;
      case '<':
        return `COALESCE(${valueSql} < ${start()}, false)`;
      case '<=':
        return `COALESCE(${valueSql} < ${end()}, false)`;
      case '>':
        return `COALESCE(${valueSql} >= ${end()}, false)`;
      case '>=':
        return `COALESCE(${valueSql} >= ${start()}, false)`;
    }
  }

  /*
   * Alternatives that test the same table share one EXISTS: `in A or in B` becomes one
   * membership test over both subtrees' ids. PostgreSQL turns an EXISTS into a semi-join
   * (or, negated, an anti-join) only where it is not under OR; under OR each one is a
   * subplan, which is hashed only when the whole set fits in work_mem and is otherwise
   * probed once per contact (minutes on a million contacts). bench/rules measures it.
   */
  private alternatives(operands: CheckedCondition[]): string[] {
    const shared = (kind: string) =>
      MEMBERSHIP_KINDS.has(kind) && operands.filter((o) => o.kind === kind).length > 1;
    const merged: string[] = [];
    if (shared('inGroup')) {
      const groups = operands.filter((o): o is MembershipOf<'inGroup'> => o.kind === 'inGroup');
      const ids = groups.flatMap((g) => (g.exactly ? [g.group] : g.subtree).map((ref) => ref.groupId));
      merged.push(this.inGroups(this.b.param([...new Set(ids)], 'uuid[]')));
    }
    if (shared('tagged')) {
      const tags = operands.filter((o): o is MembershipOf<'tagged'> => o.kind === 'tagged');
      merged.push(this.taggedAny(this.b.param([...new Set(tags.map((t) => asciiLower(t.tag)))], 'text[]')));
    }
    if (shared('inSegment')) {
      const segments = operands.filter((o): o is MembershipOf<'inSegment'> => o.kind === 'inSegment');
      merged.push(this.inSegments(this.b.param([...new Set(segments.map((m) => m.segmentId))], 'uuid[]')));
    }
    const rest = operands.filter((operand) => !shared(operand.kind));
    return [...merged, ...rest.map((operand) => this.compile(operand))];
  }

  private inGroups(ids: string): string {
    return `EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY(${ids}))`;
  }

  private taggedAny(names: string): string {
    return `EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id AND lower(t.name COLLATE "C") = ANY(${names}))`;
  }

  private inSegments(ids: string): string {
    return `EXISTS (SELECT 1 FROM segment_members sm WHERE sm.contact_id = c.id AND sm.segment_id = ANY(${ids}))`;
  }

  compile(condition: CheckedCondition): string {
    switch (condition.kind) {
      case 'and':
        return `(${condition.operands.map((operand) => this.compile(operand)).join(' AND ')})`;
      case 'or':
        return `(${this.alternatives(condition.operands).join(' OR ')})`;
      case 'not':
        return `(NOT ${this.compile(condition.operand)})`;
      case 'inGroup':
        return condition.exactly
          ? `EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ${this.b.param(condition.group.groupId, 'uuid')})`
          : `EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.contact_id = c.id AND gm.group_id = ANY(${this.b.param(
              condition.subtree.map((g) => g.groupId),
              'uuid[]',
            )}))`;
      case 'inSegment':
        return `EXISTS (SELECT 1 FROM segment_members sm WHERE sm.contact_id = c.id AND sm.segment_id = ${this.b.param(condition.segmentId, 'uuid')})`;
      case 'inSelection':
        return this.compile(condition.condition);
      case 'tagged':
        return `EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id AND lower(t.name COLLATE "C") = ${this.b.param(asciiLower(condition.tag), 'text')})`;
      case 'compare': {
        const { field, op, value } = condition;
        const valueSql = this.value(field);
        if (field.type.kind === 'date') return this.dateCompare(valueSql, op, String(value));
        const literal = this.literal(field, value);
        if (op === '!=') return `NOT COALESCE(${valueSql} = ${literal}, false)`;
        if (op === '=') return `COALESCE(${valueSql} = ${literal}, false)`;
        return `COALESCE(${this.textOrdering(field, valueSql)} ${op} ${literal}, false)`;
      }
      case 'oneOf': {
        const { field } = condition;
        const valueSql = this.value(field);
        let test: string;
        if (field.type.kind === 'date') {
          test = `(${condition.values.map((value) => this.dateCompare(valueSql, '=', String(value))).join(' OR ')})`;
        } else {
          const lower = field.source === 'builtin' && field.caseInsensitive;
          const values = condition.values.map((value) =>
            typeof value === 'string' && lower
              ? asciiLower(value)
              : field.type.kind === 'number'
                ? String(value)
                : value,
          );
          const cast =
            field.type.kind === 'number'
              ? 'numeric[]'
              : field.type.kind === 'boolean'
                ? 'boolean[]'
                : 'text[]';
          test = `COALESCE(${valueSql} = ANY(${this.b.param(values, cast)}), false)`;
        }
        return condition.negated ? `NOT ${test}` : test;
      }
      case 'text': {
        const { field } = condition;
        const valueSql = this.value(field);
        const needle = this.literal(field, condition.value);
        if (condition.op === 'contains') return `COALESCE(strpos(${valueSql}, ${needle}) > 0, false)`;
        if (condition.op === 'startsWith') return `COALESCE(starts_with(${valueSql}, ${needle}), false)`;
        return `COALESCE(right(${valueSql}, length(${needle})) = ${needle}, false)`;
      }
      case 'isEmpty': {
        const valueSql = this.value(condition.field);
        const kind = condition.field.type.kind;
        const empty =
          kind === 'text' || kind === 'enum'
            ? `(${valueSql} IS NULL OR ${valueSql} = '')`
            : `(${valueSql} IS NULL)`;
        return condition.negated ? `(NOT ${empty})` : empty;
      }
      case 'relativeDate': {
        const valueSql = this.value(condition.field);
        const bound = `${this.nowSql()} - make_interval(secs => ${this.b.param(String(condition.seconds), 'double precision')})`;
        const op = condition.op === 'withinLast' ? '>=' : '<';
        return `COALESCE(${valueSql} ${op} ${bound}, false)`;
      }
      default:
        return never(condition);
    }
  }
}

/** Renumbers $1..$n of a fragment to follow `offset` existing params, leaving quoted text alone. */
export function renumberPlaceholders(sql: string, offset: number): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const close = sql.indexOf(ch, i + 1);
      const end = close === -1 ? sql.length : close + 1;
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    const match = ch === '$' ? /^\$(\d+)/.exec(sql.slice(i)) : null;
    if (match) {
      out += `$${Number(match[1]) + offset}`;
      i += match[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Compiles a checked condition to a predicate on contacts alias c, with its own params. */
export function compileCondition(
  condition: CheckedCondition,
  options: Pick<CompileSelectionOptions, 'now'> = {},
): SqlFragment {
  const builder = new SqlBuilder();
  const sql = new ConditionCompiler(builder, options.now).compile(condition);
  return { sql, params: builder.params };
}

/**
 * One parameterised PostgreSQL query for the contacts a selection matches. No value
 * from the rule is ever part of the SQL text; all of them are params.
 */
export function compileSelection(
  selection: CheckedSelection | CheckedCondition,
  options: CompileSelectionOptions = {},
): CompiledSelection {
  const condition = 'kind' in selection ? selection : selection.condition;
  const builder = new SqlBuilder();
  const parts = conjuncts(condition);
  // A tag test the whole selection needs becomes an inner join. As EXISTS, PostgreSQL
  // de-duplicates the tag's contacts in a hash (it cannot prove the tag-name join yields
  // one row per contact) and then probes contacts in hash order: 1.4x slower at 1M
  // contacts (bench/rules, "tag and custom number"). A contact holds a tag at most once
  // and tag names are unique ignoring ASCII case, so the join adds no duplicate rows.
  const joinedTags = [
    ...new Set(parts.flatMap((part) => (part.kind === 'tagged' ? [asciiLower(part.tag)] : []))),
  ];
  const from = joinedTags
    .map((tag, index) => {
      const [held, named] = [`tag_held_${index}`, `tag_named_${index}`];
      return (
        ` JOIN contact_tags ${held} ON ${held}.contact_id = c.id` +
        ` JOIN tags ${named} ON ${named}.id = ${held}.tag_id AND lower(${named}.name COLLATE "C") = ${builder.param(tag, 'text')}`
      );
    })
    .reduce((sql, join) => sql + join, 'contacts c');
  const rest = joinedTags.length === 0 ? [condition] : parts.filter((part) => part.kind !== 'tagged');
  const compiler = new ConditionCompiler(builder, options.now);
  let predicate =
    rest.length === 0
      ? 'true'
      : compiler.compile(rest.length === 1 ? rest[0]! : { kind: 'and', operands: rest });
  if (options.scope) {
    const offset = builder.params.length;
    predicate = `${predicate} AND (${renumberPlaceholders(options.scope.sql, offset)})`;
    builder.params.push(...options.scope.params);
  }
  return {
    sql: `SELECT c.id FROM ${from} WHERE ${predicate}`,
    countSql: `SELECT count(*)::int AS count FROM ${from} WHERE ${predicate}`,
    from,
    predicate,
    params: builder.params,
  };
}

/** The conditions a selection ANDs at its top, through nested ands and referenced selections. */
function conjuncts(condition: CheckedCondition): CheckedCondition[] {
  if (condition.kind === 'and') return condition.operands.flatMap(conjuncts);
  if (condition.kind === 'inSelection') return conjuncts(condition.condition);
  return [condition];
}
