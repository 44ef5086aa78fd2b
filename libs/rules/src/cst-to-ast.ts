import type { CstElement, CstNode, IToken } from 'chevrotain';
import type {
  ClockTime,
  CompareOp,
  Condition,
  Duration,
  DurationUnit,
  GroupPath,
  Literal,
  Program,
  Reentry,
  ScheduleStatement,
  SelectionStatement,
  SequenceStatement,
  Span,
  Statement,
  Step,
  TriggerEvent,
  TriggerStatement,
  WeekdayName,
} from './ast.js';

/*
 * With error recovery the CST can miss children or hold tokens the parser invented.
 * Every function here returns undefined for such a part, and a statement with a
 * missing part is dropped, so a returned AST is always complete.
 */

function isNode(element: CstElement): element is CstNode {
  return 'children' in element;
}

function tokens(node: CstNode, key: string): IToken[] {
  const list = node.children[key];
  if (!list) return [];
  return list.filter((element): element is IToken => !isNode(element) && !element.isInsertedInRecovery);
}

function token(node: CstNode, key: string): IToken | undefined {
  return tokens(node, key)[0];
}

function nodes(node: CstNode, key: string): CstNode[] {
  const list = node.children[key];
  if (!list) return [];
  return list.filter(isNode);
}

function child(node: CstNode, key: string): CstNode | undefined {
  return nodes(node, key)[0];
}

function has(node: CstNode, key: string): boolean {
  return tokens(node, key).length > 0;
}

function spanOf(node: CstNode): Span | undefined {
  const location = node.location;
  if (!location || !Number.isFinite(location.startOffset) || !Number.isFinite(location.endOffset))
    return undefined;
  return {
    offset: location.startOffset,
    length: (location.endOffset ?? location.startOffset) - location.startOffset + 1,
  };
}

function tokenSpan(tok: IToken): Span {
  return { offset: tok.startOffset, length: tok.image.length };
}

/** The text of a string literal without quotes; a missing closing quote is reported by parse(). */
export function unquote(image: string): string {
  const closed = image.length >= 2 && image.endsWith('"') && !isEscapedAt(image, image.length - 1);
  const body = image.slice(1, closed ? -1 : undefined);
  let result = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i === body.length - 1) {
      result += ch;
      continue;
    }
    const next = body[++i]!;
    result += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
  }
  return result;
}

/** True when the character at index is preceded by an odd number of backslashes. */
export function isEscapedAt(image: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function stringToken(node: CstNode, key: string): string | undefined {
  const tok = token(node, key);
  return tok ? unquote(tok.image) : undefined;
}

function unitOf(image: string): DurationUnit {
  if (image.startsWith('minute')) return 'minutes';
  if (image.startsWith('hour')) return 'hours';
  if (image.startsWith('week')) return 'weeks';
  return 'days';
}

function duration(node: CstNode): Duration | undefined {
  const amount = token(node, 'amount');
  const unit = token(node, 'unit');
  if (!amount || !unit) return undefined;
  return { amount: Number(amount.image), unit: unitOf(unit.image) };
}

function clockTime(tok: IToken | undefined): ClockTime | undefined {
  if (!tok) return undefined;
  const [hour, minute] = tok.image.split(':').map(Number);
  return { hour: hour!, minute: minute! };
}

export function toProgram(cst: CstNode): Program {
  const statements: Statement[] = [];
  for (const statementNode of nodes(cst, 'statement')) {
    const statement = toStatement(statementNode);
    if (statement) statements.push(statement);
  }
  return { statements };
}

function toStatement(node: CstNode): Statement | undefined {
  const selection = child(node, 'selectionStatement');
  if (selection) return toSelection(selection);
  const trigger = child(node, 'triggerStatement');
  if (trigger) return toTrigger(trigger);
  const sequence = child(node, 'sequenceStatement');
  if (sequence) return toSequence(sequence);
  const schedule = child(node, 'scheduleStatement');
  if (schedule) return toSchedule(schedule);
  return undefined;
}

function toSelection(node: CstNode): SelectionStatement | undefined {
  const nameToken = token(node, 'name');
  const conditionNode = child(node, 'condition');
  const condition = conditionNode && toOr(conditionNode);
  const span = spanOf(node);
  if (!nameToken || !condition || !span || !has(node, 'Equals')) return undefined;
  return {
    kind: 'selection',
    name: unquote(nameToken.image),
    nameSpan: tokenSpan(nameToken),
    condition,
    span,
  };
}

function toOr(node: CstNode): Condition | undefined {
  const operands = nodes(node, 'operands').map(toAnd);
  if (operands.length === 0 || operands.some((o) => o === undefined)) return undefined;
  if (tokens(node, 'Or').length !== operands.length - 1) return undefined;
  if (operands.length === 1) return operands[0];
  const span = spanOf(node);
  return span && { kind: 'or', operands: operands as Condition[], span };
}

function toAnd(node: CstNode): Condition | undefined {
  const operands = nodes(node, 'operands').map(toNot);
  if (operands.length === 0 || operands.some((o) => o === undefined)) return undefined;
  if (tokens(node, 'And').length !== operands.length - 1) return undefined;
  if (operands.length === 1) return operands[0];
  const span = spanOf(node);
  return span && { kind: 'and', operands: operands as Condition[], span };
}

function toNot(node: CstNode): Condition | undefined {
  const operandNode = child(node, 'operand');
  if (operandNode) {
    const operand = toNot(operandNode);
    const span = spanOf(node);
    return operand && span && has(node, 'Not') ? { kind: 'not', operand, span } : undefined;
  }
  const primary = child(node, 'primary');
  return primary && toPrimary(primary);
}

function toPrimary(node: CstNode): Condition | undefined {
  const span = spanOf(node);
  if (!span) return undefined;
  const inner = child(node, 'inner');
  if (inner) return has(node, 'LParen') && has(node, 'RParen') ? toOr(inner) : undefined;
  const membership = child(node, 'membership');
  if (membership) return toMembership(membership);
  if (has(node, 'Tagged')) {
    const tag = stringToken(node, 'tag');
    return tag === undefined ? undefined : { kind: 'tagged', tag, span };
  }
  if (has(node, 'Subscribed')) return { kind: 'consent', value: 'subscribed', span };
  if (has(node, 'Unsubscribed')) return { kind: 'consent', value: 'unsubscribed', span };
  const field = child(node, 'fieldCondition');
  return field && toFieldCondition(field);
}

function toMembership(node: CstNode): Condition | undefined {
  const span = spanOf(node);
  if (!span || !has(node, 'In')) return undefined;
  const exact = child(node, 'exactPath');
  if (exact) {
    const path = toGroupPath(exact);
    return path && has(node, 'Exactly') ? { kind: 'inGroup', path, exactly: true, span } : undefined;
  }
  const plain = child(node, 'path');
  if (plain) {
    const path = toGroupPath(plain);
    return path && { kind: 'inGroup', path, exactly: false, span };
  }
  const segment = stringToken(node, 'segmentName');
  if (segment !== undefined && has(node, 'Segment')) return { kind: 'inSegment', name: segment, span };
  const selection = stringToken(node, 'selectionName');
  if (selection !== undefined && has(node, 'Selection'))
    return { kind: 'inSelection', name: selection, span };
  return undefined;
}

export function toGroupPath(node: CstNode): GroupPath | undefined {
  const segmentNodes = nodes(node, 'segments');
  const span = spanOf(node);
  if (!span || segmentNodes.length === 0) return undefined;
  if (tokens(node, 'Slash').length !== segmentNodes.length - 1) return undefined;
  const segments: string[] = [];
  for (const segmentNode of segmentNodes) {
    const identifier = token(segmentNode, 'Identifier');
    const quoted = token(segmentNode, 'StringLiteral');
    if (identifier) segments.push(identifier.image);
    else if (quoted) segments.push(unquote(quoted.image));
    else return undefined;
  }
  return { segments, span };
}

const COMPARE_OPS: Record<string, CompareOp> = {
  Equals: '=',
  NotEquals: '!=',
  Less: '<',
  LessOrEqual: '<=',
  Greater: '>',
  GreaterOrEqual: '>=',
};

function toFieldCondition(node: CstNode): Condition | undefined {
  const fieldToken = token(node, 'field');
  const test = child(node, 'fieldTest');
  const span = spanOf(node);
  if (!fieldToken || !test || !span) return undefined;
  const field = { name: fieldToken.image, span: tokenSpan(fieldToken) };

  const operator = child(test, 'comparisonOperator');
  if (operator) {
    const opName = Object.keys(COMPARE_OPS).find((name) => has(operator, name));
    const valueNode = child(test, 'value');
    const value = valueNode && toLiteral(valueNode);
    return opName && value ? { kind: 'compare', field, op: COMPARE_OPS[opName]!, value, span } : undefined;
  }
  if (has(test, 'One')) {
    const list = child(test, 'valueList');
    if (!list || !has(test, 'Of') || !has(list, 'LParen') || !has(list, 'RParen')) return undefined;
    const values = nodes(list, 'values').map(toLiteral);
    if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
    if (tokens(list, 'Comma').length !== values.length - 1) return undefined;
    return { kind: 'oneOf', field, values: values as Literal[], negated: has(test, 'Not'), span };
  }
  const text = stringToken(test, 'text');
  if (text !== undefined) {
    if (has(test, 'Contains')) return { kind: 'text', field, op: 'contains', value: text, span };
    if (!has(test, 'With')) return undefined;
    if (has(test, 'Starts')) return { kind: 'text', field, op: 'startsWith', value: text, span };
    if (has(test, 'Ends')) return { kind: 'text', field, op: 'endsWith', value: text, span };
    return undefined;
  }
  if (has(test, 'Is')) {
    const negated = has(test, 'isNot');
    if (has(test, 'Empty')) return { kind: 'isEmpty', field, negated, span };
    const valueNode = child(test, 'value');
    const value = valueNode && toLiteral(valueNode);
    return value && { kind: 'compare', field, op: negated ? '!=' : '=', value, span };
  }
  if (has(test, 'Within') || has(test, 'More')) {
    const amount = duration(test);
    if (!amount) return undefined;
    if (has(test, 'Within')) {
      return has(test, 'Last')
        ? { kind: 'relativeDate', field, op: 'withinLast', duration: amount, span }
        : undefined;
    }
    return has(test, 'Than') && has(test, 'Ago')
      ? { kind: 'relativeDate', field, op: 'moreThanAgo', duration: amount, span }
      : undefined;
  }
  const date = token(test, 'date');
  if (date && has(test, 'Before'))
    return { kind: 'dateCompare', field, op: 'before', date: date.image, span };
  if (date && has(test, 'After')) return { kind: 'dateCompare', field, op: 'after', date: date.image, span };
  return undefined;
}

function toLiteral(node: CstNode): Literal | undefined {
  const quoted = token(node, 'StringLiteral');
  if (quoted) return { kind: 'string', value: unquote(quoted.image), span: tokenSpan(quoted) };
  const number = token(node, 'NumberLiteral');
  if (number) return { kind: 'number', value: number.image, span: tokenSpan(number) };
  const date = token(node, 'DateLiteral');
  if (date) return { kind: 'date', value: date.image, span: tokenSpan(date) };
  const word = token(node, 'Identifier') ?? token(node, 'Subscribed') ?? token(node, 'Unsubscribed');
  if (word) return { kind: 'word', value: word.image, span: tokenSpan(word) };
  return undefined;
}

function toTrigger(node: CstNode): TriggerStatement | undefined {
  const span = spanOf(node);
  const eventNode = child(node, 'triggerEvent');
  const actionNode = child(node, 'triggerAction');
  if (!span || !eventNode || !actionNode || !has(node, 'When')) return undefined;
  const event = toTriggerEvent(eventNode);
  const sequenceToken = token(actionNode, 'sequence');
  const actionSpan = spanOf(actionNode);
  if (!event || !sequenceToken || !actionSpan || !has(actionNode, 'Sequence')) return undefined;
  const action = {
    kind: has(actionNode, 'Start') ? ('startSequence' as const) : ('stopSequence' as const),
    sequence: unquote(sequenceToken.image),
    span: actionSpan,
  };
  if (!has(actionNode, 'Start') && !has(actionNode, 'Stop')) return undefined;
  let condition: Condition | undefined;
  const conditionNode = child(node, 'condition');
  if (conditionNode) {
    condition = toOr(conditionNode);
    if (!condition || !has(node, 'If')) return undefined;
  }
  let reentry: Reentry | undefined;
  const reentryNode = child(node, 'reentry');
  if (reentryNode) {
    reentry = toReentry(reentryNode);
    if (!reentry) return undefined;
  }
  return {
    kind: 'trigger',
    event,
    ...(condition ? { condition } : {}),
    action,
    ...(reentry ? { reentry } : {}),
    span,
  };
}

function toTriggerEvent(node: CstNode): TriggerEvent | undefined {
  const added = child(node, 'addedPath');
  if (added) {
    const path = toGroupPath(added);
    return path && has(node, 'Added') && has(node, 'To') ? { kind: 'addedTo', path } : undefined;
  }
  const removed = child(node, 'removedPath');
  if (removed) {
    const path = toGroupPath(removed);
    return path && has(node, 'Removed') && has(node, 'From') ? { kind: 'removedFrom', path } : undefined;
  }
  const tag = token(node, 'tag');
  return tag && has(node, 'Tagged')
    ? { kind: 'tagged', tag: unquote(tag.image), span: tokenSpan(tag) }
    : undefined;
}

function toReentry(node: CstNode): Reentry | undefined {
  if (has(node, 'Every')) return has(node, 'Time') ? { policy: 'everyTime' } : undefined;
  if (!has(node, 'Once')) return undefined;
  if (!has(node, 'Per')) return node.children['amount'] ? undefined : { policy: 'once' };
  const amount = duration(node);
  return amount && { policy: 'oncePer', duration: amount };
}

function toSequence(node: CstNode): SequenceStatement | undefined {
  const span = spanOf(node);
  const nameToken = token(node, 'name');
  if (!span || !nameToken || !has(node, 'LBrace') || !has(node, 'RBrace')) return undefined;
  const steps: Step[] = [];
  for (const stepNode of nodes(node, 'steps')) {
    const step = toStep(stepNode);
    if (!step) return undefined;
    steps.push(step);
  }
  return { kind: 'sequence', name: unquote(nameToken.image), nameSpan: tokenSpan(nameToken), steps, span };
}

function toChannel(node: CstNode | undefined): 'email' | 'letter' | undefined {
  if (!node) return undefined;
  if (has(node, 'Email')) return 'email';
  if (has(node, 'Letter')) return 'letter';
  return undefined;
}

function weekdayOf(tok: IToken | undefined): WeekdayName | undefined {
  return tok ? (tok.image as WeekdayName) : undefined;
}

function toStep(node: CstNode): Step | undefined {
  const span = spanOf(node);
  if (!span) return undefined;
  if (has(node, 'Send')) {
    const channel = toChannel(child(node, 'channel'));
    const template = stringToken(node, 'template');
    return channel && template !== undefined ? { kind: 'send', channel, template, span } : undefined;
  }
  if (has(node, 'Wait')) {
    const target = child(node, 'waitTarget');
    if (!target) return undefined;
    if (has(target, 'Until')) {
      const time = clockTime(token(target, 'TimeLiteral'));
      const weekday = weekdayOf(token(target, 'Weekday'));
      return time && { kind: 'waitUntil', ...(weekday ? { weekday } : {}), time, span };
    }
    const amount = duration(target);
    return amount && { kind: 'wait', duration: amount, span };
  }
  if (has(node, 'Stop')) {
    const conditionNode = child(node, 'condition');
    const condition = conditionNode && toOr(conditionNode);
    return condition && has(node, 'If') ? { kind: 'stopIf', condition, span } : undefined;
  }
  const add = child(node, 'addTarget');
  if (add && has(node, 'Add')) {
    const pathNode = child(add, 'groupPath');
    if (pathNode) {
      const path = toGroupPath(pathNode);
      return path && has(add, 'To') ? { kind: 'addToGroup', path, span } : undefined;
    }
    const tag = stringToken(add, 'tag');
    return tag !== undefined && has(add, 'Tag') ? { kind: 'addTag', tag, span } : undefined;
  }
  const remove = child(node, 'removeTarget');
  if (remove && has(node, 'Remove')) {
    const pathNode = child(remove, 'groupPath');
    if (pathNode) {
      const path = toGroupPath(pathNode);
      return path && has(remove, 'From') ? { kind: 'removeFromGroup', path, span } : undefined;
    }
    const tag = stringToken(remove, 'tag');
    return tag !== undefined && has(remove, 'Tag') ? { kind: 'removeTag', tag, span } : undefined;
  }
  return undefined;
}

function toSchedule(node: CstNode): ScheduleStatement | undefined {
  const span = spanOf(node);
  const dayNode = child(node, 'scheduleDay');
  const time = clockTime(token(node, 'TimeLiteral'));
  const channel = toChannel(child(node, 'channel'));
  const templateToken = token(node, 'template');
  const audienceNode = child(node, 'audience');
  if (!span || !dayNode || !time || !channel || !templateToken || !audienceNode) return undefined;
  if (!has(node, 'Every') || !has(node, 'At') || !has(node, 'Send') || !has(node, 'To')) return undefined;
  const weekday = weekdayOf(token(dayNode, 'Weekday'));
  const day = weekday ?? (has(dayNode, 'Days') ? 'day' : undefined);
  if (!day) return undefined;
  let timeZone: string | undefined;
  let timeZoneSpan: Span | undefined;
  const zoneNode = child(node, 'timeZone');
  if (zoneNode) {
    const parts = tokens(zoneNode, 'parts');
    timeZoneSpan = spanOf(zoneNode);
    if (parts.length === 0 || tokens(zoneNode, 'Slash').length !== parts.length - 1 || !timeZoneSpan) {
      return undefined;
    }
    timeZone = parts.map((part) => part.image).join('/');
  }
  const audience = toAudience(audienceNode);
  if (!audience) return undefined;
  return {
    kind: 'schedule',
    day,
    time,
    ...(timeZone !== undefined && timeZoneSpan ? { timeZone, timeZoneSpan } : {}),
    channel,
    template: unquote(templateToken.image),
    templateSpan: tokenSpan(templateToken),
    audience,
    span,
  };
}

function toAudience(node: CstNode): Condition | undefined {
  const span = spanOf(node);
  const name = stringToken(node, 'selectionName');
  if (name !== undefined && span && has(node, 'Selection')) return { kind: 'inSelection', name, span };
  const conditionNode = child(node, 'condition');
  return conditionNode && toOr(conditionNode);
}
