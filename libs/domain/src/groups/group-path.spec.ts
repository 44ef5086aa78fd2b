import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GroupTreeError } from '../errors/domain-error.js';
import { formatGroupPath, normalizeGroupName, parseGroupPath } from './group-path.js';

function parseError(path: string): GroupTreeError {
  try {
    parseGroupPath(path);
  } catch (error) {
    if (error instanceof GroupTreeError) return error;
    throw error;
  }
  throw new Error(`expected "${path}" to be refused`);
}

describe('group paths', () => {
  it('splits plain Unicode paths at slashes', () => {
    expect(parseGroupPath('Travel offers/Greece')).toEqual(['Travel offers', 'Greece']);
    expect(parseGroupPath('Reiseangebote/Türkei/Первый контакт')).toEqual([
      'Reiseangebote',
      'Türkei',
      'Первый контакт',
    ]);
    expect(parseGroupPath('Customers')).toEqual(['Customers']);
  });

  it('reads \\/ as a slash and \\\\ as a backslash inside a name', () => {
    expect(parseGroupPath('A\\/B test/x')).toEqual(['A/B test', 'x']);
    expect(parseGroupPath('C:\\\\temp/y')).toEqual(['C:\\temp', 'y']);
    expect(parseGroupPath('\\\\\\/')).toEqual(['\\/']);
  });

  it('writes slashes and backslashes escaped', () => {
    expect(formatGroupPath(['Reiseangebote', 'Türkei / Первый контакт'])).toBe(
      'Reiseangebote/Türkei \\/ Первый контакт',
    );
    expect(formatGroupPath(['a\\b', '/'])).toBe('a\\\\b/\\/');
  });

  it('ignores spaces around segments, since names are stored trimmed', () => {
    expect(parseGroupPath(' Travel offers / Greece ')).toEqual(['Travel offers', 'Greece']);
  });

  it('compares names in NFC, so a decomposed ü finds the stored Türkei', () => {
    expect(parseGroupPath('Tu\u0308rkei')).toEqual(['Türkei']);
    expect(normalizeGroupName('  Tu\u0308rkei ')).toBe('Türkei');
  });

  it.each([
    ['', 0],
    ['/Greece', 0],
    ['Travel/', 7],
    ['Travel//Greece', 7],
    ['Travel/  /Greece', 7],
  ])('refuses the empty segment in %j with its offset', (path, offset) => {
    const error = parseError(path);
    expect(error.code).toBe('GROUP_PATH_INVALID');
    expect(error.details).toEqual({ field: 'path', path, offset });
  });

  it.each([
    ['Travel\\', 6],
    ['Travel\\nGreece', 6],
    ['a/b\\x', 3],
  ])('refuses the bad escape in %j with its offset', (path, offset) => {
    const error = parseError(path);
    expect(error.code).toBe('GROUP_PATH_INVALID');
    expect(error.details['offset']).toBe(offset);
  });

  it('parses what it formats, for any names', () => {
    const name = fc
      .string({ unit: fc.constantFrom('a', 'ü', 'П', '/', '\\', ' ', 'x'), minLength: 1, maxLength: 8 })
      .map(normalizeGroupName)
      .filter((value) => value.length > 0);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (segments) => {
        expect(parseGroupPath(formatGroupPath(segments))).toEqual(segments);
      }),
    );
  });
});
