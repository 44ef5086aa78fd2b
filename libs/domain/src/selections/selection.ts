import type { CheckedCondition, Diagnostic, Explanation } from '../../../rules/src/index.js';
import type { Contact } from '../contacts/contact.js';

/** A selection as stored: the text as written and its checked form (groups and segments by id). */
export interface StoredSelection {
  id: string;
  name: string;
  source: string;
  checked: CheckedCondition;
  createdAt: Date;
  updatedAt: Date;
}

/** A saved selection as shown: `source` carries today's group paths when groups were renamed or moved. */
export interface Selection {
  id: string;
  name: string;
  source: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Saving also answers the warnings the checker had (errors refuse the save). */
export interface SavedSelection extends Selection {
  diagnostics: Diagnostic[];
}

/**
 * Which contacts: rule text holding one `selection "name" = ...` statement, or a saved
 * selection by id. Use `selectionTarget()` to read the `{ selection: text | id }` form.
 */
export type SelectionTarget = { source: string } | { selectionId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{ selection: "…" }` in a request: a UUID names a saved selection, anything else is rule text. */
export function selectionTarget(selection: string): SelectionTarget {
  return UUID.test(selection.trim()) ? { selectionId: selection.trim() } : { source: selection };
}

/**
 * An extra condition on alias `c` ANDed into every selection query, e.g. what one user
 * may see: `{ sql: 'c.responsible_user_id = $1', params: [userId] }`. No access scoping
 * exists yet, so callers pass none; the parameter is where it will plug in.
 */
export interface AccessScope {
  sql: string;
  params: unknown[];
}

export interface SelectionQueryOptions {
  scope?: AccessScope;
}

export interface SelectionEvaluation {
  count: number;
  /** The first page of matching contacts, by id. */
  contacts: Contact[];
  nextCursor: string | null;
  tookMs: number;
}

export interface SelectionExplanation {
  matches: boolean;
  explanation: Explanation;
  /** The explanation as indented text, one clause per line. */
  lines: string[];
}
