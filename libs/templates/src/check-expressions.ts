import type { DiagnosticInit, Reporter } from './diagnostics.js';
import { headName } from './handlebars-ast.js';
import type {
  BlockStatement,
  Expression,
  Hash,
  Loc,
  MustacheStatement,
  PathExpression,
  Program,
  Statement,
} from './handlebars-ast.js';
import { BLOCK_HELPERS, HELPER_SIGNATURES } from './helpers.js';
import type { ArgumentSpec, ValueKind } from './helpers.js';
import type { TemplateLimits } from './limits.js';
import { FORBIDDEN_NAMES } from './template-data.js';
import type { ObjectType, VariableType } from './template-data.js';

interface Frame {
  readonly context: VariableType;
  readonly blockParams: ReadonlyMap<string, VariableType>;
  readonly loopDepth: number;
}

/** What a checked template refers to, for checks that need the whole picture. */
export interface ExpressionSummary {
  readonly paths: ReadonlySet<string>;
}

type Resolved = { readonly type: VariableType } | undefined;

const NUMBER: VariableType = { kind: 'number' };
const BOOLEAN: VariableType = { kind: 'boolean' };

function describe(type: VariableType): string {
  switch (type.kind) {
    case 'list':
      return 'a list';
    case 'object':
      return 'a group of fields';
    case 'enum':
      return 'a choice';
    default:
      return `a ${type.kind}`;
  }
}

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function isRawBlock(reporter: Reporter, block: BlockStatement): boolean {
  return reporter.text.startsWith('{{{{', reporter.offsetOf(block.loc.start));
}

/**
 * Checks every expression against the variable schema and the helper list. It
 * mirrors what Handlebars does at run time (contexts of each/with, block params,
 * `../`, `@root`, `@index`) so that whatever it accepts resolves at render time.
 */
export class ExpressionChecker {
  private readonly root: ObjectType;
  private readonly limits: TemplateLimits;
  private readonly reporter: Reporter;
  private readonly paths = new Set<string>();

  constructor(root: ObjectType, limits: TemplateLimits, reporter: Reporter) {
    this.root = root;
    this.limits = limits;
    this.reporter = reporter;
  }

  check(program: Program): ExpressionSummary {
    this.program(program, [{ context: this.root, blockParams: new Map(), loopDepth: 0 }]);
    return { paths: this.paths };
  }

  private report(loc: Loc, init: DiagnosticInit): void {
    this.reporter.at(loc, init);
  }

  private program(program: Program | undefined, frames: readonly Frame[]): void {
    for (const statement of program?.body ?? []) this.statement(statement, frames);
  }

  private statement(statement: Statement, frames: readonly Frame[]): void {
    switch (statement.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
      case 'Decorator':
        return this.mustache(statement, frames);
      case 'BlockStatement':
      case 'DecoratorBlock':
        return this.block(statement, frames);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.report(statement.loc, {
          code: 'UNSUPPORTED_SYNTAX',
          message: 'Partials can only be used in the body of an email.',
        });
    }
  }

  private mustache(node: MustacheStatement, frames: readonly Frame[]): void {
    if (node.type === 'Decorator') {
      return this.report(node.loc, { code: 'UNSUPPORTED_SYNTAX', message: 'Decorators are not supported.' });
    }
    if (!node.escaped) {
      return this.report(node.loc, {
        code: 'RAW_OUTPUT',
        message: 'Triple braces print data without escaping, which lets contact data inject HTML.',
        suggestion: 'Use two braces: {{…}}.',
      });
    }
    if (node.path.type !== 'PathExpression') {
      return this.report(node.loc, {
        code: 'UNSUPPORTED_SYNTAX',
        message: 'A literal cannot stand on its own in {{…}}; write it as text.',
      });
    }
    const name = headName(node.path);
    const hasArguments = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    if (name !== undefined && Object.hasOwn(HELPER_SIGNATURES, name)) {
      const kind = this.helperCall(name, node.params, node.hash, node.loc, frames);
      if (kind === 'date') this.notPrintable(node.loc, { kind: 'date' });
      return;
    }
    if (name !== undefined && BLOCK_HELPERS.has(name)) {
      return this.report(node.loc, {
        code: 'UNSUPPORTED_SYNTAX',
        message: `"${name}" opens a block: {{#${name} …}}…{{/${name}}}.`,
      });
    }
    if (hasArguments) {
      return this.unknownHelper(node.path);
    }
    const resolved = this.resolve(node.path, frames);
    if (resolved && !isPrintable(resolved.type)) this.notPrintable(node.loc, resolved.type);
  }

  private notPrintable(loc: Loc, type: VariableType): void {
    this.report(loc, {
      code: 'NOT_PRINTABLE',
      message: `This is ${describe(type)} and cannot be printed as it is.`,
      suggestion:
        type.kind === 'date'
          ? 'Format it: {{formatDate … "long"}}.'
          : type.kind === 'list'
            ? 'Loop over it: {{#each …}}{{this}}{{/each}}.'
            : 'Print one of its fields.',
    });
  }

  private unknownHelper(path: PathExpression): void {
    const known = [...Object.keys(HELPER_SIGNATURES), ...BLOCK_HELPERS];
    const suggestion = closest(path.original, known);
    this.report(path.loc, {
      code: 'UNKNOWN_HELPER',
      message: `There is no helper named "${path.original}".`,
      suggestion: suggestion ? `Did you mean "${suggestion}"?` : `Helpers: ${known.join(', ')}.`,
    });
  }

  private block(node: BlockStatement, frames: readonly Frame[]): void {
    if (node.type === 'DecoratorBlock' || isRawBlock(this.reporter, node)) {
      return this.report(node.loc, {
        code: 'UNSUPPORTED_SYNTAX',
        message: 'Inline partials, decorators and raw blocks are not supported.',
      });
    }
    const name = node.path.type === 'PathExpression' ? headName(node.path) : undefined;
    if (name === undefined || !BLOCK_HELPERS.has(name)) {
      if (name !== undefined && Object.hasOwn(HELPER_SIGNATURES, name)) {
        return this.report(node.path.loc, {
          code: 'UNSUPPORTED_SYNTAX',
          message: `"${name}" is not a block helper; use {{${name} …}}.`,
        });
      }
      return node.path.type === 'PathExpression'
        ? this.unknownHelper(node.path)
        : this.report(node.loc, { code: 'UNSUPPORTED_SYNTAX', message: 'A block needs a helper name.' });
    }
    const allowedHash = name === 'if' || name === 'unless' ? ['includeZero'] : [];
    for (const pair of node.hash?.pairs ?? []) {
      if (!allowedHash.includes(pair.key)) {
        this.report(pair.loc, {
          code: 'HELPER_ARGUMENTS',
          message: `{{#${name}}} takes no option "${pair.key}".`,
        });
      } else if (pair.value.type !== 'BooleanLiteral') {
        this.report(pair.loc, { code: 'HELPER_ARGUMENTS', message: `${pair.key} must be true or false.` });
      }
    }
    if (node.params.length !== 1) {
      this.report(node.loc, {
        code: 'HELPER_ARGUMENTS',
        message: `{{#${name}}} takes exactly one value, it got ${node.params.length}.`,
      });
      return;
    }
    const subject = this.expression(node.params[0]!, frames);
    const current = frames[frames.length - 1]!;
    const blockParams = node.program?.blockParams ?? [];
    if (name === 'if' || name === 'unless') {
      if (blockParams.length > 0) {
        this.report(node.loc, {
          code: 'UNSUPPORTED_SYNTAX',
          message: `{{#${name}}} has no block parameters.`,
        });
      }
      this.program(node.program, frames);
      this.program(node.inverse, frames);
      return;
    }
    if (name === 'each') {
      if (subject && subject.kind !== 'list') {
        this.report(node.params[0]!.loc, {
          code: 'NOT_A_LIST',
          message: `{{#each}} needs a list; this is ${describe(subject)}.`,
        });
        return;
      }
      const loopDepth = current.loopDepth + 1;
      if (loopDepth > this.limits.maxLoopNesting) {
        this.report(node.loc, {
          code: 'NESTING_TOO_DEEP',
          message: `Loops may be nested at most ${this.limits.maxLoopNesting} deep.`,
        });
        return;
      }
      const item: VariableType = subject?.kind === 'list' ? subject.items : { kind: 'string' };
      const params = new Map<string, VariableType>();
      if (blockParams[0] !== undefined) params.set(blockParams[0], item);
      if (blockParams[1] !== undefined) params.set(blockParams[1], NUMBER);
      if (blockParams.length > 2) {
        this.report(node.loc, {
          code: 'UNSUPPORTED_SYNTAX',
          message: '{{#each}} has at most two block parameters.',
        });
      }
      this.program(node.program, [...frames, { context: item, blockParams: params, loopDepth }]);
      this.program(node.inverse, frames);
      return;
    }
    // with
    if (subject && subject.kind !== 'object') {
      this.report(node.params[0]!.loc, {
        code: 'NOT_AN_OBJECT',
        message: `{{#with}} needs a group of fields; this is ${describe(subject)}.`,
      });
      return;
    }
    const context: VariableType = subject ?? { kind: 'object', fields: {} };
    const params = new Map<string, VariableType>();
    if (blockParams[0] !== undefined) params.set(blockParams[0], context);
    this.program(node.program, [...frames, { context, blockParams: params, loopDepth: current.loopDepth }]);
    this.program(node.inverse, frames);
  }

  /** The type of an argument, or undefined when it was already reported. */
  private expression(node: Expression, frames: readonly Frame[]): VariableType | undefined {
    switch (node.type) {
      case 'PathExpression': {
        const name = headName(node);
        if (name !== undefined && Object.hasOwn(HELPER_SIGNATURES, name)) {
          this.report(node.loc, {
            code: 'HELPER_ARGUMENTS',
            message: `"${name}" is a helper; call it in parentheses: (${name} …).`,
          });
          return undefined;
        }
        return this.resolve(node, frames)?.type;
      }
      case 'SubExpression': {
        const name = headName(node.path);
        if (name === undefined || !Object.hasOwn(HELPER_SIGNATURES, name)) {
          this.unknownHelper(node.path);
          return undefined;
        }
        const kind = this.helperCall(name, node.params, node.hash, node.loc, frames);
        return kind === undefined ? undefined : ({ kind } as VariableType);
      }
      case 'StringLiteral':
        return { kind: 'string' };
      case 'NumberLiteral':
        return NUMBER;
      case 'BooleanLiteral':
        return BOOLEAN;
      case 'UndefinedLiteral':
      case 'NullLiteral':
        this.report(node.loc, {
          code: 'HELPER_ARGUMENTS',
          message: 'null and undefined are not useful values here.',
        });
        return undefined;
    }
  }

  private helperCall(
    name: string,
    params: readonly Expression[],
    hash: Hash | undefined,
    loc: Loc,
    frames: readonly Frame[],
  ): ValueKind | undefined {
    const signature = HELPER_SIGNATURES[name]!;
    let valid = true;
    if (params.length < signature.required || params.length > signature.params.length) {
      const expected =
        signature.required === signature.params.length
          ? `${signature.required}`
          : `${signature.required} to ${signature.params.length}`;
      this.report(loc, {
        code: 'HELPER_ARGUMENTS',
        message: `${name} takes ${expected} value(s), it got ${params.length}.`,
        suggestion: signature.description,
      });
      valid = false;
    }
    params.forEach((param, index) => {
      const spec = signature.params[index];
      if (spec) valid = this.argument(name, spec, param, frames) && valid;
      else this.expression(param, frames);
    });
    for (const pair of hash?.pairs ?? []) {
      const spec = signature.hash[pair.key];
      if (!spec) {
        const options = Object.keys(signature.hash);
        this.report(pair.loc, {
          code: 'HELPER_ARGUMENTS',
          message: `${name} has no option "${pair.key}".`,
          suggestion: options.length > 0 ? `Options: ${options.join(', ')}.` : undefined,
        });
        valid = false;
        continue;
      }
      valid = this.argument(name, spec, pair.value, frames) && valid;
    }
    return valid ? signature.returns : undefined;
  }

  private argument(helper: string, spec: ArgumentSpec, value: Expression, frames: readonly Frame[]): boolean {
    const type = this.expression(value, frames);
    if (!type) return false;
    const kind = type.kind;
    const accepted =
      (kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'date' || kind === 'enum') &&
      (spec.accepts.includes(kind) || (kind === 'enum' && spec.accepts.includes('string')));
    if (!accepted) {
      this.report(value.loc, {
        code: 'HELPER_ARGUMENTS',
        message: `${spec.name} of ${helper} must be ${spec.accepts.join(' or ')}; this is ${describe(type)}.`,
      });
      return false;
    }
    if (spec.checkLiteral && 'value' in value) {
      const problem = spec.checkLiteral(value.value);
      if (problem) {
        this.report(value.loc, {
          code: 'HELPER_ARGUMENTS',
          message: `${spec.name} of ${helper}: ${problem}.`,
        });
        return false;
      }
    }
    return true;
  }

  private resolve(path: PathExpression, frames: readonly Frame[]): Resolved {
    const parts = path.parts;
    for (const part of parts) {
      if (FORBIDDEN_NAMES.has(part)) {
        this.report(path.loc, {
          code: 'FORBIDDEN_PROPERTY',
          message: `"${part}" reaches into the JavaScript object model and is never available to templates.`,
        });
        return undefined;
      }
    }
    const unknown = (detail?: string, candidates: readonly string[] = []): Resolved => {
      const last = parts[parts.length - 1] ?? path.original;
      const guess = closest(last, candidates);
      this.report(path.loc, {
        code: 'UNKNOWN_VARIABLE',
        message: `"${path.original}" is not a known variable${detail ? `: ${detail}` : ''}.`,
        suggestion: guess ? `Did you mean "${guess}"?` : undefined,
      });
      return undefined;
    };
    if (!path.data && parts.length === 0 && path.depth > 0) {
      // Handlebars' strict mode fails on a bare `../this`; block parameters say the same clearly.
      this.report(path.loc, {
        code: 'UNSUPPORTED_SYNTAX',
        message: `"${path.original}" is not supported; name the outer item instead.`,
        suggestion: '{{#each contact.groups as |group|}}…{{group}}…{{/each}}',
      });
      return undefined;
    }
    let base: VariableType;
    let rest: readonly string[] = parts;
    let prefix: string;
    if (path.data) {
      const [head, ...tail] = parts;
      const frame = frames[frames.length - 1]!;
      if (head === 'root' && path.depth === 0) {
        base = this.root;
        rest = tail;
        prefix = '';
      } else if ((head === 'index' || head === 'first' || head === 'last') && tail.length === 0) {
        if (frame.loopDepth === 0 || frames.length - 1 - path.depth < 0) {
          return unknown(`@${head} only exists inside {{#each}}`);
        }
        return { type: head === 'index' ? NUMBER : BOOLEAN };
      } else {
        return unknown('data variables are @root, @index, @first and @last');
      }
    } else {
      const frameIndex = frames.length - 1 - path.depth;
      if (frameIndex < 0) return unknown('"../" goes above the top of the data');
      const frame = frames[frameIndex]!;
      const head = parts[0];
      const param = head === undefined || path.depth > 0 ? undefined : findBlockParam(frames, head);
      if (param) {
        base = param;
        rest = parts.slice(1);
        prefix = head!;
      } else {
        base = frame.context;
        prefix = frameIndex === 0 ? '' : '…';
      }
    }
    let type = base;
    const walked: string[] = prefix === '' ? [] : [prefix];
    for (const part of rest) {
      if (type.kind === 'list' && part === 'length') {
        type = NUMBER;
        walked.push(part);
        continue;
      }
      if (type.kind !== 'object') {
        if (type.kind === 'list' && /^\d+$/.test(part)) {
          return unknown('pick list items with {{#each}}');
        }
        return unknown(`${walked.join('.') || 'this'} is ${describe(type)} without fields`);
      }
      const next = Object.hasOwn(type.fields, part) ? type.fields[part] : undefined;
      if (!next) {
        return unknown(undefined, Object.keys(type.fields));
      }
      type = next;
      walked.push(part);
    }
    if (frames.length === 1 && !path.data && prefix === '') this.paths.add(walked.join('.'));
    else if (path.data && parts[0] === 'root') this.paths.add(walked.join('.'));
    return { type };
  }
}

function findBlockParam(frames: readonly Frame[], name: string): VariableType | undefined {
  for (let index = frames.length - 1; index >= 0; index--) {
    const type = frames[index]!.blockParams.get(name);
    if (type) return type;
  }
  return undefined;
}

export function isPrintable(type: VariableType): boolean {
  return type.kind === 'string' || type.kind === 'number' || type.kind === 'boolean' || type.kind === 'enum';
}
