import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { format, print } from './format.js';
import { parse } from './parse.js';
import { program } from './testing/arbitraries.js';
import { EXAMPLE } from './testing/sample-catalog.js';
import { stripSpans } from './testing/strip-spans.js';

function sameMeaning(a: string, b: string): void {
  const left = parse(a);
  const right = parse(b);
  expect(left.diagnostics).toEqual([]);
  expect(right.diagnostics).toEqual([]);
  expect(stripSpans(right.ast)).toEqual(stripSpans(left.ast));
}

describe('format: layout', () => {
  it('lays out the documented example canonically and keeps every comment', () => {
    const formatted = format(EXAMPLE);
    sameMeaning(EXAMPLE, formatted);
    expect(formatted).toContain(
      'selection "Greece leads" =\n  in Travel/Greece # member of Travel/Greece or of any subgroup of it\n  and not in Customers # not in Customers nor any subgroup\n  and createdAt within last 30 days\n',
    );
    expect(formatted).toContain(
      "  wait until monday 09:00 # in the contact's time zone, else the account's\n",
    );
    for (const comment of parse(EXAMPLE).comments) expect(formatted).toContain(comment.text.trimEnd());
    expect(format(formatted)).toBe(formatted);
  });

  it('normalises spacing, number words, units and clock times', () => {
    expect(
      format('selection   "x"=city="a"   and budget>=1\nsequence "s"{wait 1 days wait until monday 9:05}'),
    ).toBe(
      'selection "x" = city = "a" and budget >= 1\nsequence "s" {\n  wait 1 day\n  wait until monday 09:05\n}\n',
    );
  });

  it('writes "is" comparisons as = and != and quotes names only when needed', () => {
    expect(format('selection "x" = consent is not subscribed and in "Travel"/"A/B"/"not"/Türkei')).toBe(
      'selection "x" = consent != subscribed and in Travel/"A/B"/"not"/Türkei\n',
    );
  });

  it('keeps parentheses that change or mark the structure, and drops the others', () => {
    expect(
      format('selection "x" = ((tagged "a")) and (tagged "b" or tagged "c") and (tagged "d" and tagged "e")'),
    ).toBe('selection "x" = tagged "a" and (tagged "b" or tagged "c") and (tagged "d" and tagged "e")\n');
  });

  it('breaks a long selection before each top-level operator', () => {
    const long = `selection "long" = ${Array.from({ length: 6 }, (_, i) => `tagged "tag number ${i}"`).join(' or ')}`;
    const formatted = format(long);
    expect(formatted.split('\n')[0]).toBe('selection "long" =');
    expect(formatted.split('\n')[2]).toBe('  or tagged "tag number 1"');
    expect(formatted.split('\n').every((line) => line.length <= 110)).toBe(true);
    sameMeaning(long, formatted);
  });

  it('keeps a single blank line where the source had blank lines, and none elsewhere', () => {
    expect(
      format('selection "a" = subscribed\n\n\n\nselection "b" = subscribed\nselection "c" = subscribed'),
    ).toBe('selection "a" = subscribed\n\nselection "b" = subscribed\nselection "c" = subscribed\n');
  });

  it('keeps comments before statements, after statements, inside sequences and at the end', () => {
    const text = `# header

# about a
selection "a" = subscribed # trailing a
sequence "s" { # opening
  # before step
  wait 2 days # after step
  # before the end
} # closing
# last words
`;
    expect(format(text)).toBe(text);
  });

  it('leaves text with syntax errors untouched', () => {
    const broken = 'selection "x" =   in   ';
    expect(format(broken)).toBe(broken);
  });
});

describe('format: properties', () => {
  it('prints any tree so that it parses back to the same tree, and formatting changes nothing', () => {
    fc.assert(
      fc.property(program, (ast) => {
        const printed = print(ast);
        const reparsed = parse(printed);
        expect(reparsed.diagnostics).toEqual([]);
        expect(stripSpans(reparsed.ast)).toEqual(stripSpans(ast));
        const formatted = format(printed);
        expect(stripSpans(parse(formatted).ast)).toEqual(stripSpans(ast));
        expect(format(formatted)).toBe(formatted);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps comments and meaning wherever comments are added, and stays idempotent', () => {
    fc.assert(
      fc.property(program, fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 6 }), (ast, places) => {
        const lines = print(ast).split('\n');
        places.forEach(([at, ownLine], i) => {
          const index = lines.length ? at % lines.length : 0;
          if (ownLine) lines.splice(index, 0, `# note ${i}`);
          else lines[index] = `${lines[index] ?? ''} # note ${i}`;
        });
        const text = lines.join('\n');
        const formatted = format(text);
        expect(stripSpans(parse(formatted).ast)).toEqual(stripSpans(ast));
        places.forEach((_, i) => expect(formatted).toContain(`# note ${i}`));
        expect(format(formatted)).toBe(formatted);
      }),
      { numRuns: 300 },
    );
  });
});
