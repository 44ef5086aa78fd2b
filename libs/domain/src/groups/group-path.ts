import { GroupTreeError } from '../errors/domain-error.js';

/**
 * Group paths as text: segment names from the root down, joined by `/`.
 * Inside a segment, `\/` stands for a slash and `\\` for a backslash; any other
 * backslash is an error, so a path written today keeps its meaning if more
 * escapes are ever added. Names are stored trimmed and in Unicode NFC, so a parsed
 * segment is trimmed and normalised too: `Travel offers / Greece` finds `Travel offers/Greece`.
 */
export const GROUP_PATH_SEPARATOR = '/';

const ESCAPE = '\\';

/** Trimmed and NFC-normalised: the one form a group name is stored and compared in. */
export function normalizeGroupName(name: string): string {
  return name.normalize('NFC').trim();
}

export function escapeGroupName(name: string): string {
  return name
    .replaceAll(ESCAPE, ESCAPE + ESCAPE)
    .replaceAll(GROUP_PATH_SEPARATOR, ESCAPE + GROUP_PATH_SEPARATOR);
}

export function formatGroupPath(segments: readonly string[]): string {
  return segments.map(escapeGroupName).join(GROUP_PATH_SEPARATOR);
}

function invalid(path: string, offset: number, problem: string): GroupTreeError {
  return new GroupTreeError('GROUP_PATH_INVALID', `invalid group path: ${problem} at offset ${offset}`, {
    field: 'path',
    path,
    offset,
  });
}

/** Splits a path into segment names; throws GROUP_PATH_INVALID for a bad escape or an empty segment. */
export function parseGroupPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  let segmentStart = 0;
  const finish = (end: number) => {
    const name = normalizeGroupName(current);
    if (name.length === 0) throw invalid(path, segmentStart, 'empty segment');
    segments.push(name);
    current = '';
    segmentStart = end + 1;
  };
  for (let index = 0; index < path.length; index++) {
    const char = path[index]!;
    if (char === ESCAPE) {
      const next = path[index + 1];
      if (next === undefined) throw invalid(path, index, 'a backslash ends the path');
      if (next !== ESCAPE && next !== GROUP_PATH_SEPARATOR) {
        throw invalid(
          path,
          index,
          `"\\${next}" is not an escape; write \\/ for a slash and \\\\ for a backslash`,
        );
      }
      current += next;
      index++;
    } else if (char === GROUP_PATH_SEPARATOR) {
      finish(index);
    } else {
      current += char;
    }
  }
  finish(path.length);
  return segments;
}
