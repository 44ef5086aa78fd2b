import { PaginationError } from '../errors/domain-error.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface Page<T> {
  items: T[];
  /** Opaque; pass it back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string;
  limit?: number;
}

/**
 * One pagination style everywhere: keyset cursors. A cursor is the sort key of the
 * last item, base64url-encoded JSON, tagged with the listing it belongs to so that a
 * cursor from one endpoint is refused by another.
 */
export function encodeCursor(listing: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ l: listing, k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(
  listing: string,
  cursor: string | undefined,
  arity: number,
): string[] | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new PaginationError('CURSOR_INVALID', 'the cursor is not one this listing issued', { field: 'cursor' });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const value = decoded as { l?: unknown; k?: unknown };
  if (
    value?.l !== listing ||
    !Array.isArray(value.k) ||
    value.k.length !== arity ||
    !value.k.every((part) => typeof part === 'string' || typeof part === 'number')
  ) {
    throw invalid();
  }
  return value.k.map(String);
}

/** Fetch `limit + 1` rows, then call this: the extra row only says another page exists. */
export function toPage<T>(
  rows: T[],
  limit: number,
  listing: string,
  keyOf: (item: T) => readonly (string | number)[],
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(listing, keyOf(last)) : null };
}

export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}
