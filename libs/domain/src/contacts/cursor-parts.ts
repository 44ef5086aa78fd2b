import { PaginationError } from '../errors/domain-error.js';
import { decodeCursor } from '../pagination/cursor.js';

const SHAPES = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  integer: /^\d{1,19}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  text: /^[\s\S]{0,1000}$/,
};

/**
 * decodeCursor checks that a cursor is ours; this also checks the shape of each
 * key part, so a hand-made cursor is refused with CURSOR_INVALID instead of
 * failing as a bad SQL parameter.
 */
export function decodeTypedCursor(
  listing: string,
  cursor: string | undefined,
  shapes: (keyof typeof SHAPES)[],
): string[] | undefined {
  const parts = decodeCursor(listing, cursor, shapes.length);
  if (parts && !parts.every((part, index) => SHAPES[shapes[index]!].test(part))) {
    throw new PaginationError('CURSOR_INVALID', 'the cursor is not one this listing issued', {
      field: 'cursor',
    });
  }
  return parts;
}
