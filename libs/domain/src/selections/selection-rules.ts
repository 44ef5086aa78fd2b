import {
  check,
  checkText,
  hasErrors,
  parse,
  print,
  relinkCondition,
  type CheckedCondition,
  type Diagnostic,
  type Program,
} from '../../../rules/src/index.js';
import { SelectionError } from '../errors/domain-error.js';
import type { LoadedCatalog } from '../rules/rule-catalog.service.js';
import { errorAt, invalid } from '../rules/rule-diagnostics.js';
import { conditionFromChecked, type CurrentNames } from '../rules/stored-condition.js';
import type { StoredSelection } from './selection.js';

const NOWHERE = { offset: 0, length: 0 };

/** The name the text's first selection statement gives, if it can be read that far. */
export function selectionNameOf(source: string): string | undefined {
  const statement = parse(source).recovered.statements[0];
  return statement?.kind === 'selection' ? statement.name : undefined;
}

export interface CheckedSelectionText {
  name: string;
  condition: CheckedCondition;
  /** Warnings only: text with errors is refused. */
  diagnostics: Diagnostic[];
}

/**
 * Checks the text of one selection: exactly one `selection "name" = ...` statement
 * (comments allowed). A saved selection of the same name is replaced by this text, so
 * a selection that would end up referring to itself is reported as a loop.
 */
export function checkSelectionText(source: string, loaded: LoadedCatalog): CheckedSelectionText {
  const result = checkText(source, loaded.catalog);
  const diagnostics = [...result.diagnostics];
  if (result.ast) {
    const statements = result.ast.statements;
    if (statements.length === 0) {
      diagnostics.push(
        errorAt(
          source,
          source.length,
          0,
          'selection-expected',
          'Write the selection as: selection "Name" = condition, e.g. selection "Greece leads" = in Travel/Greece and subscribed.',
        ),
      );
    }
    statements.forEach((statement, index) => {
      if (statement.kind === 'selection' && index === 0) return;
      diagnostics.push(
        errorAt(
          source,
          statement.span.offset,
          statement.span.length,
          'one-selection-only',
          statement.kind === 'selection'
            ? 'A selection holds one "selection" statement; save this one separately.'
            : `A selection holds one "selection" statement, not a ${statement.kind}.`,
        ),
      );
    });
  }
  diagnostics.sort((a, b) => a.offset - b.offset);
  const selection = result.checked?.selections[0];
  if (hasErrors(diagnostics) || !selection) throw invalid(diagnostics);
  return { name: selection.name, condition: selection.condition, diagnostics };
}

function storedProgram(stored: StoredSelection, condition: CheckedCondition, names: CurrentNames): Program {
  return {
    statements: [
      {
        kind: 'selection',
        name: stored.name,
        nameSpan: NOWHERE,
        condition: conditionFromChecked(condition, names),
        span: NOWHERE,
      },
    ],
  };
}

/**
 * The checked condition of a saved selection as of now: relinked to today's group tree
 * (renamed and moved groups keep working, subgroups added since count) and checked
 * again, so nested selections follow their current definitions. A deleted group, field
 * or segment makes it SELECTION_BROKEN.
 */
export function checkStored(stored: StoredSelection, loaded: LoadedCatalog): CheckedCondition {
  const relinked = relinkCondition(stored.checked, loaded.groups);
  if (relinked.problems.length) throw broken(stored, relinked.problems);
  const result = check(storedProgram(stored, relinked.condition, loaded.names), loaded.catalog);
  const condition = result.checked?.selections[0]?.condition;
  if (!condition) {
    throw broken(
      stored,
      result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    );
  }
  return condition;
}

function broken(stored: StoredSelection, problems: string[]): SelectionError {
  return new SelectionError(
    'SELECTION_BROKEN',
    `the selection "${stored.name}" no longer works: ${problems[0] ?? 'it could not be checked'}`,
    { selectionId: stored.id, problems },
  );
}

/**
 * The text to show for a saved selection: as written, unless a group it uses was
 * renamed or moved (or a segment renamed) since; then the canonical text with the
 * current paths (comments are not kept in that case).
 */
export function currentSource(stored: StoredSelection, loaded: LoadedCatalog): string {
  const relinked = relinkCondition(stored.checked, loaded.groups);
  if (relinked.problems.length) return stored.source;
  const asStored = print(storedProgram(stored, stored.checked, { segments: new Map() }));
  const current = print(storedProgram(stored, relinked.condition, loaded.names));
  return current === asStored ? stored.source : current;
}
