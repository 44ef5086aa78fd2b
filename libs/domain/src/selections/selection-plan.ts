import type { CheckedCondition } from '../../../rules/src/index.js';

const MEMBERSHIP = new Set<CheckedCondition['kind']>(['inGroup', 'tagged', 'inSegment']);

function hasMembership(node: CheckedCondition): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.operands.some(hasMembership);
    case 'not':
      return hasMembership(node.operand);
    case 'inSelection':
      return hasMembership(node.condition);
    default:
      return MEMBERSHIP.has(node.kind);
  }
}

/**
 * Whether PostgreSQL can run every membership test (group, tag, segment) of the compiled
 * SQL as a semi- or anti-join: it does so for an EXISTS reached from the top through
 * ANDs, with at most one NOT right above it. Alternatives of one kind count as one test,
 * since the compiler merges them into one EXISTS.
 *
 * Any other membership test (say `in Travel/Greece or city = "Athens"`) runs as a subplan,
 * which PostgreSQL hashes only if the whole set of members fits in work_mem; otherwise it
 * probes once per contact, which takes minutes on a million contacts. Such selections run
 * with more work_mem; all others keep the default, under which the big hash joins of
 * selections run in cache-sized batches and measured faster (bench/rules).
 */
export function runsAsJoins(node: CheckedCondition, negated = false): boolean {
  switch (node.kind) {
    case 'and':
      return negated ? !hasMembership(node) : node.operands.every((operand) => runsAsJoins(operand));
    case 'or': {
      const withMembers = node.operands.filter(hasMembership);
      if (withMembers.length === 0) return true;
      return node.operands.every(
        (operand) => MEMBERSHIP.has(operand.kind) && operand.kind === node.operands[0]!.kind,
      );
    }
    case 'not':
      return negated ? !hasMembership(node.operand) : runsAsJoins(node.operand, true);
    case 'inSelection':
      return runsAsJoins(node.condition, negated);
    default:
      return true;
  }
}
