export interface Tag {
  id: string;
  name: string;
}

export interface TagCount extends Tag {
  /** How many contacts carry the tag. */
  contacts: number;
}

/** The outcome of a tag change over many contacts. */
export interface BulkLabelResult {
  changedIds: string[];
  unchangedIds: string[];
  missingIds: string[];
}

/** Sorts requested ids into changed, unchanged (existing) and missing. */
export function summarize(requested: string[], existing: string[], changedIds: string[]): BulkLabelResult {
  const changed = new Set(changedIds);
  const found = new Set(existing);
  return {
    changedIds,
    unchangedIds: existing.filter((id) => !changed.has(id)),
    missingIds: requested.filter((id) => !found.has(id)),
  };
}
