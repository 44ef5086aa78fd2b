import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkText } from './check.js';
import { format } from './format.js';
import { parse } from './parse.js';
import { sampleCatalog } from './testing/sample-catalog.js';
import { stripSpans } from './testing/strip-spans.js';

// Jest runs from the repository root.
const root = path.join(process.cwd(), 'libs/rules/fixtures');
const cases = (kind: 'valid' | 'invalid') => readdirSync(path.join(root, kind)).sort();
const read = (kind: string, name: string, file: string) =>
  readFileSync(path.join(root, kind, name, file), 'utf8');

describe('fixtures', () => {
  it('has cases of both kinds', () => {
    expect(cases('valid').length).toBeGreaterThan(5);
    expect(cases('invalid').length).toBeGreaterThan(5);
  });

  describe.each(cases('valid'))('valid/%s', (name) => {
    const text = read('valid', name, 'input.trellis');

    it('parses to the expected tree and checks without errors', () => {
      const result = checkText(text, sampleCatalog);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(stripSpans(result.ast)).toEqual(JSON.parse(read('valid', name, 'expected.json')));
    });

    it('keeps its meaning and comments when formatted', () => {
      const formatted = format(text);
      expect(stripSpans(parse(formatted).ast)).toEqual(stripSpans(parse(text).ast));
      for (const comment of parse(text).comments) expect(formatted).toContain(comment.text.trimEnd());
      expect(format(formatted)).toBe(formatted);
    });
  });

  describe.each(cases('invalid'))('invalid/%s', (name) => {
    it('reports the expected diagnostics', () => {
      const result = checkText(read('invalid', name, 'input.trellis'), sampleCatalog);
      expect(result.checked).toBeUndefined();
      expect(result.diagnostics).toEqual(JSON.parse(read('invalid', name, 'diagnostics.json')));
    });
  });
});
