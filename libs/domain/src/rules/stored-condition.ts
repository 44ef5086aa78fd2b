import type {
  CheckedCondition,
  CheckedValue,
  Condition,
  Literal,
  ResolvedField,
} from '../../../rules/src/index.js';

const NOWHERE = { offset: 0, length: 0 };

/** Current names of what a stored rule refers to by id. */
export interface CurrentNames {
  /** Segment names by id; a deleted segment keeps the name it was stored with. */
  segments: ReadonlyMap<string, string>;
}

function literal(field: ResolvedField, value: CheckedValue): Literal {
  if (typeof value === 'boolean') return { kind: 'word', value: String(value), span: NOWHERE };
  switch (field.type.kind) {
    case 'number':
      return { kind: 'number', value, span: NOWHERE };
    case 'date':
      return { kind: 'date', value, span: NOWHERE };
    default:
      return { kind: 'string', value, span: NOWHERE };
  }
}

/**
 * Turns a stored checked condition back into rule syntax, by reference: groups by their
 * path (relink the condition first, so paths are current), segments by their current
 * name and nested selections by name, not inlined. Checking the result against today's
 * catalog therefore follows renamed groups and edited nested selections, and reports
 * loops between selections.
 */
export function conditionFromChecked(condition: CheckedCondition, names: CurrentNames): Condition {
  const field = (resolved: ResolvedField) => ({ name: resolved.name, span: NOWHERE });
  const visit = (node: CheckedCondition): Condition => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, operands: node.operands.map(visit), span: NOWHERE };
      case 'not':
        return { kind: 'not', operand: visit(node.operand), span: NOWHERE };
      case 'inGroup':
        return {
          kind: 'inGroup',
          path: { segments: node.group.path, span: NOWHERE },
          exactly: node.exactly,
          span: NOWHERE,
        };
      case 'inSegment':
        return { kind: 'inSegment', name: names.segments.get(node.segmentId) ?? node.name, span: NOWHERE };
      case 'inSelection':
        return { kind: 'inSelection', name: node.name, span: NOWHERE };
      case 'tagged':
        return { kind: 'tagged', tag: node.tag, span: NOWHERE };
      case 'compare':
        return {
          kind: 'compare',
          field: field(node.field),
          op: node.op,
          value: literal(node.field, node.value),
          span: NOWHERE,
        };
      case 'oneOf':
        return {
          kind: 'oneOf',
          field: field(node.field),
          values: node.values.map((value) => literal(node.field, value)),
          negated: node.negated,
          span: NOWHERE,
        };
      case 'text':
        return { kind: 'text', field: field(node.field), op: node.op, value: node.value, span: NOWHERE };
      case 'isEmpty':
        return { kind: 'isEmpty', field: field(node.field), negated: node.negated, span: NOWHERE };
      case 'relativeDate':
        return {
          kind: 'relativeDate',
          field: field(node.field),
          op: node.op,
          duration: node.duration,
          span: NOWHERE,
        };
    }
  };
  return visit(condition);
}

/** Names of the selections a stored condition refers to directly (not those nested inside them). */
export function referencedSelections(condition: CheckedCondition): string[] {
  const names = new Set<string>();
  const visit = (node: CheckedCondition): void => {
    if (node.kind === 'inSelection') names.add(node.name);
    else if (node.kind === 'and' || node.kind === 'or') node.operands.forEach(visit);
    else if (node.kind === 'not') visit(node.operand);
  };
  visit(condition);
  return [...names];
}
