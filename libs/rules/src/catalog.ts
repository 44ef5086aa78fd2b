import type { Condition } from './ast.js';
import type { CheckedCondition, FieldType, GroupRef } from './checked.js';

export interface BuiltinField {
  name: string;
  type: FieldType;
  /** Column on the contacts table (alias c). */
  column: string;
  /** Text comparisons ignore ASCII letter case (email). */
  caseInsensitive?: boolean;
  description: string;
}

const text = { kind: 'text' } as const;
const date = { kind: 'date' } as const;

export const BUILTIN_FIELDS: readonly BuiltinField[] = [
  { name: 'email', type: text, column: 'email', caseInsensitive: true, description: 'email address' },
  { name: 'firstName', type: text, column: 'first_name', description: 'first name' },
  { name: 'lastName', type: text, column: 'last_name', description: 'last name' },
  { name: 'companyName', type: text, column: 'company_name', description: 'company name' },
  { name: 'phone', type: text, column: 'phone', description: 'phone number' },
  { name: 'street', type: text, column: 'street', description: 'street' },
  { name: 'postalCode', type: text, column: 'postal_code', description: 'postal code' },
  { name: 'city', type: text, column: 'city', description: 'city' },
  { name: 'country', type: text, column: 'country', description: 'country code such as "DE"' },
  { name: 'language', type: text, column: 'language', description: 'language' },
  { name: 'timeZone', type: text, column: 'time_zone', description: 'time zone' },
  {
    name: 'kind',
    type: { kind: 'enum', values: ['person', 'company'] },
    column: 'kind',
    description: 'person or company',
  },
  {
    name: 'consent',
    type: { kind: 'enum', values: ['unknown', 'subscribed', 'unsubscribed'] },
    column: 'consent',
    description: 'marketing consent',
  },
  { name: 'createdAt', type: date, column: 'created_at', description: 'when the contact was created' },
  { name: 'updatedAt', type: date, column: 'updated_at', description: 'when the contact was last changed' },
];

export interface CatalogGroup {
  id: string;
  name: string;
  parentId: string | null;
}

export interface CustomFieldDefinition {
  /** Key in contacts.custom and the name used in rules. */
  key: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'enum';
  /** Allowed values of an enum field. */
  values?: readonly string[];
  label?: string;
}

export interface CatalogTemplate {
  name: string;
  channel: 'email' | 'letter';
}

/**
 * A selection saved earlier. `checked` is the form to keep for stored rules: it holds
 * group ids, so it survives renamed and moved groups. `source` is the text of a
 * `selection "name" = ...` statement; `condition` an already parsed condition.
 */
export type SavedSelection =
  | { name: string; checked: CheckedCondition }
  | { name: string; source: string }
  | { name: string; condition: Condition };

/** Everything a rule may refer to. The checker never does I/O: callers load this first. */
export interface Catalog {
  groups: readonly CatalogGroup[];
  customFields: readonly CustomFieldDefinition[];
  /** Known tag names; an unknown tag is only a warning, since tags are created on first use. */
  tags: readonly string[];
  segments: readonly { id: string; name: string }[];
  selections: readonly SavedSelection[];
  templates: readonly CatalogTemplate[];
  /** Sequences that exist outside the text being checked. */
  sequences: readonly string[];
}

export const EMPTY_CATALOG: Catalog = {
  groups: [],
  customFields: [],
  tags: [],
  segments: [],
  selections: [],
  templates: [],
  sequences: [],
};

/** Group tree lookups: paths, subtrees and path resolution. */
export class GroupIndex {
  private readonly byId = new Map<string, CatalogGroup>();
  private readonly children = new Map<string | null, CatalogGroup[]>();
  private readonly paths = new Map<string, string[]>();

  constructor(groups: readonly CatalogGroup[]) {
    for (const group of groups) this.byId.set(group.id, group);
    for (const group of groups) {
      const parent = group.parentId !== null && this.byId.has(group.parentId) ? group.parentId : null;
      const siblings = this.children.get(parent) ?? [];
      siblings.push(group);
      this.children.set(parent, siblings);
    }
    for (const list of this.children.values())
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Names from the root down; a broken parent chain (a cycle in bad data) stops where it repeats. */
  pathOf(id: string): string[] {
    const cached = this.paths.get(id);
    if (cached) return cached;
    const names: string[] = [];
    const seen = new Set<string>();
    let current = this.byId.get(id);
    while (current && !seen.has(current.id)) {
      seen.add(current.id);
      names.unshift(current.name);
      current = current.parentId === null ? undefined : this.byId.get(current.parentId);
    }
    this.paths.set(id, names);
    return names;
  }

  childrenOf(id: string | null): readonly CatalogGroup[] {
    return this.children.get(id) ?? [];
  }

  resolve(segments: readonly string[]): CatalogGroup | undefined {
    let parent: string | null = null;
    let found: CatalogGroup | undefined;
    for (const segment of segments) {
      found = this.childrenOf(parent).find((group) => group.name === segment);
      if (!found) return undefined;
      parent = found.id;
    }
    return found;
  }

  /** The group itself and every descendant, each once. */
  subtree(id: string): GroupRef[] {
    const result: GroupRef[] = [];
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const current = stack.pop()!;
      if (seen.has(current) || !this.byId.has(current)) continue;
      seen.add(current);
      result.push({ groupId: current, path: this.pathOf(current) });
      for (const childGroup of [...this.childrenOf(current)].reverse()) stack.push(childGroup.id);
    }
    return result;
  }

  allPaths(): { id: string; path: string[] }[] {
    return [...this.byId.keys()].map((id) => ({ id, path: this.pathOf(id) }));
  }
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(
        previous[j]! + 1,
        previous[j - 1]! + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function closest(written: string, candidates: Iterable<string>): string | undefined {
  const lower = written.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(written.length / 3));
  return bestDistance <= allowed ? best : undefined;
}
