import { describe, expect, it } from '@jest/globals';
import { checkText } from './check.js';
import { complete } from './complete.js';
import type { Diagnostic } from './diagnostics.js';
import { format } from './format.js';
import { parse } from './parse.js';
import { EXAMPLE, sampleCatalog } from './testing/sample-catalog.js';

/** mulberry32: a small seeded generator, so every run tries the same inputs. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ...'"\\/#(){}=<>!,.-:0123456789 \n\r\tabcxyzÄü😀\u0000\u2028'.split(''),
  'selection ',
  'when ',
  'sequence ',
  'every ',
  ' in ',
  ' and ',
  ' or ',
  ' not ',
  'exactly ',
  'tagged ',
  '"vip"',
  '"',
  'Travel/Greece',
  ' = ',
  'one of (',
  'within last 3 days',
  'more than',
  'start sequence "x"',
  'every time',
  'once per',
  'send email "a"',
  'wait until monday 09:00',
  'stop if',
  ' is not empty',
  '{',
  '}',
  '2026-01-01',
  '09:00',
  'Europe/Berlin',
];

function mutate(text: string, random: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (result.length + 1));
    const choice = random();
    if (choice < 0.35) {
      const length = Math.floor(random() * 12);
      result = result.slice(0, at) + result.slice(at + length);
    } else if (choice < 0.75) {
      const piece = PIECES[Math.floor(random() * PIECES.length)]!;
      result = result.slice(0, at) + piece + result.slice(at);
    } else {
      const from = Math.floor(random() * result.length);
      const slice = result.slice(from, from + Math.floor(random() * 30));
      result = result.slice(0, at) + slice + result.slice(at);
    }
  }
  return result;
}

function randomText(random: () => number): string {
  const count = Math.floor(random() * 25);
  let text = '';
  for (let i = 0; i < count; i++) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Returns a description of the first broken invariant, or undefined. */
function problemWith(text: string, diagnostics: Diagnostic[]): string | undefined {
  for (const d of diagnostics) {
    const inside =
      Number.isInteger(d.offset) &&
      Number.isInteger(d.length) &&
      d.offset >= 0 &&
      d.length >= 0 &&
      d.offset + d.length <= text.length;
    if (!inside) return `diagnostic outside the text: ${JSON.stringify(d)}`;
    const expected = lineAndColumn(text, d.offset);
    if (d.line !== expected.line || d.column !== expected.column)
      return `wrong position: ${JSON.stringify(d)}`;
    if (!d.message || (d.severity !== 'error' && d.severity !== 'warning'))
      return `bad diagnostic ${JSON.stringify(d)}`;
  }
  return undefined;
}

describe('fuzz: 100,000 random and mutated inputs', () => {
  it('never throws, never hangs, and keeps every diagnostic inside the text', () => {
    const random = generator(20261122);
    const lines = EXAMPLE.split('\n').filter((line) => line.trim().length > 0);
    const failures: string[] = [];
    const started = Date.now();
    let slowest = 0;
    for (let i = 0; i < 100_000; i++) {
      // One in ten mutates the whole example; most mutate one or two of its lines, which is cheaper.
      const kind = i % 10;
      const text =
        kind === 0
          ? mutate(EXAMPLE, random)
          : kind <= 5
            ? mutate(lines[Math.floor(random() * lines.length)]!, random)
            : kind <= 7
              ? mutate(
                  `${lines[Math.floor(random() * lines.length)]}\n${lines[Math.floor(random() * lines.length)]}`,
                  random,
                )
              : randomText(random);
      const before = Date.now();
      try {
        const parsed = parse(text);
        const problem = problemWith(text, parsed.diagnostics);
        if (problem) failures.push(`${JSON.stringify(text)}: ${problem}`);
        if (i % 20 === 0) {
          const checked = checkText(text, sampleCatalog);
          const checkProblem = problemWith(text, checked.diagnostics);
          if (checkProblem) failures.push(`${JSON.stringify(text)}: ${checkProblem}`);
          const formatted = format(text);
          if (parsed.ast && format(formatted) !== formatted)
            failures.push(`${JSON.stringify(text)}: format not idempotent`);
          complete(text, Math.floor(random() * (text.length + 1)), sampleCatalog);
        }
      } catch (error) {
        failures.push(`${JSON.stringify(text)}: threw ${String(error)}`);
      }
      slowest = Math.max(slowest, Date.now() - before);
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
    expect(slowest).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
