import { describe, expect, it } from '@jest/globals';
import type { Catalog } from './catalog.js';
import { check, checkText, relink } from './check.js';
import type { CheckedCondition, CheckedProgram } from './checked.js';
import { parse } from './parse.js';
import { EXAMPLE, GROUP, sampleCatalog, sampleGroups, SEGMENT_FAIR } from './testing/sample-catalog.js';

function checked(text: string, catalog: Catalog = sampleCatalog): CheckedProgram {
  const result = checkText(text, catalog);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.checked!;
}

function selection(text: string, catalog: Catalog = sampleCatalog): CheckedCondition {
  return checked(`selection "s" = ${text}`, catalog).selections[0]!.condition;
}

function errors(text: string, catalog: Catalog = sampleCatalog) {
  return checkText(text, catalog).diagnostics.filter((d) => d.severity === 'error');
}

describe('check: the documented example', () => {
  it('checks against the sample catalog without errors', () => {
    const result = checkText(EXAMPLE, sampleCatalog);
    expect(result.diagnostics).toEqual([]);
    expect(result.checked?.selections.map((s) => s.name)).toEqual([
      'Greece leads',
      'Direct only',
      'VIP or hot',
      'Berlin gmail',
      'Big budget',
      'Stale',
      'Nested',
    ]);
  });
});

describe('check: groups', () => {
  it('resolves a path to the group id and its whole subtree', () => {
    expect(selection('in Travel/Greece')).toEqual({
      kind: 'inGroup',
      group: { groupId: GROUP.greece, path: ['Travel', 'Greece'] },
      exactly: false,
      subtree: [
        { groupId: GROUP.greece, path: ['Travel', 'Greece'] },
        { groupId: GROUP.crete, path: ['Travel', 'Greece', 'Crete'] },
        { groupId: GROUP.rhodes, path: ['Travel', 'Greece', 'Rhodes'] },
      ],
    });
  });

  it('uses only the group itself for "in exactly"', () => {
    expect(selection('in exactly Travel')).toMatchObject({
      exactly: true,
      subtree: [{ groupId: GROUP.travel }],
    });
  });

  it('tells same-named groups apart by their parents', () => {
    expect(selection('in Start/Greece')).toMatchObject({ group: { groupId: GROUP.startGreece } });
    expect(selection('in Interested/Greece')).toMatchObject({ group: { groupId: GROUP.interestedGreece } });
  });

  it('finds quoted names containing a slash and Unicode names', () => {
    expect(selection('in "A/B test"')).toMatchObject({ group: { groupId: GROUP.slashed } });
    expect(selection('in Reiseangebote/Türkei')).toMatchObject({ group: { groupId: GROUP.tuerkei } });
  });

  it('suggests the closest existing path for a typo', () => {
    const [diagnostic] = errors('selection "s" = in Travel/Grece');
    expect(diagnostic).toMatchObject({
      code: 'unknown-group',
      suggestion: 'Travel/Greece',
      offset: 19,
      length: 'Travel/Grece'.length,
      line: 1,
      column: 20,
    });
    expect(diagnostic!.message).toBe('There is no group Travel/Grece. Did you mean Travel/Greece?');
  });

  it('quotes a suggestion that needs quotes', () => {
    expect(errors('selection "s" = in "A/B tst"')[0]).toMatchObject({ suggestion: '"A/B test"' });
  });

  it('offers no suggestion when nothing is close', () => {
    expect(errors('selection "s" = in Zzzzzzzzzz')[0]).not.toHaveProperty('suggestion');
  });
});

describe('check: renamed and moved groups', () => {
  it('keeps a stored checked program working through relink, with fresh paths and subtrees', () => {
    const stored = checked(
      'selection "s" = in Travel/Greece\nwhen added to Start/Greece start sequence "x"\nsequence "x" { add to Interested/Hot }',
    );
    const moved = sampleGroups.map((g) =>
      g.id === GROUP.greece ? { ...g, name: 'Hellas', parentId: GROUP.reiseangebote } : g,
    );
    const withNewChild = [
      ...moved,
      { id: '00000000-0000-4000-8000-00000000aaaa', name: 'Corfu', parentId: GROUP.greece },
    ];
    const result = relink(stored, { groups: withNewChild });
    expect(result.problems).toEqual([]);
    const condition = result.value!.selections[0]!.condition;
    expect(condition).toMatchObject({ group: { groupId: GROUP.greece, path: ['Reiseangebote', 'Hellas'] } });
    expect(condition.kind === 'inGroup' && condition.subtree.map((g) => g.path.join('/'))).toEqual([
      'Reiseangebote/Hellas',
      'Reiseangebote/Hellas/Corfu',
      'Reiseangebote/Hellas/Crete',
      'Reiseangebote/Hellas/Rhodes',
    ]);
  });

  it('reports a group that was deleted', () => {
    const stored = checked('sequence "x" { add to Interested/Hot }');
    const result = relink(stored, { groups: sampleGroups.filter((g) => g.id !== GROUP.interestedHot) });
    expect(result.value).toBeUndefined();
    expect(result.problems).toEqual(['the group Interested/Hot no longer exists.']);
  });

  it('accepts a saved selection in checked form after its group was renamed', () => {
    const saved = selection('in Travel/Greece');
    const renamed = sampleGroups.map((g) => (g.id === GROUP.greece ? { ...g, name: 'Hellas' } : g));
    const catalog = { ...sampleCatalog, groups: renamed, selections: [{ name: 'Old', checked: saved }] };
    expect(selection('in selection "Old"', catalog)).toMatchObject({
      kind: 'inSelection',
      condition: { group: { groupId: GROUP.greece, path: ['Travel', 'Hellas'] } },
    });
  });
});

describe('check: selections referring to selections', () => {
  it('inlines referenced selections, from the text and from the catalog', () => {
    const catalog = {
      ...sampleCatalog,
      selections: [{ name: 'Saved', source: 'selection "Saved" = tagged "vip"' }],
    };
    const program = checked(
      'selection "A" = in selection "B" and in selection "Saved"\nselection "B" = subscribed',
      catalog,
    );
    expect(program.selections[0]!.condition).toEqual({
      kind: 'and',
      operands: [
        {
          kind: 'inSelection',
          name: 'B',
          condition: {
            kind: 'compare',
            field: expect.objectContaining({ name: 'consent' }),
            op: '=',
            value: 'subscribed',
          },
        },
        { kind: 'inSelection', name: 'Saved', condition: { kind: 'tagged', tag: 'vip' } },
      ],
    });
  });

  it('reports a cycle between selections once, naming the loop', () => {
    const found = errors(
      'selection "A" = in selection "B"\nselection "B" = tagged "vip" or in selection "A"',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'selection-cycle', line: 2 });
    expect(found[0]!.message).toContain('"A" → "B" → "A"');
  });

  it('reports a selection that refers to itself', () => {
    expect(errors('selection "A" = not in selection "A"')[0]).toMatchObject({ code: 'selection-cycle' });
  });

  it('reports unknown and duplicate selections', () => {
    expect(
      errors('selection "A" = in selection "Greece lead"\nselection "Greece leads" = subscribed')[0],
    ).toMatchObject({
      code: 'unknown-selection',
      suggestion: '"Greece leads"',
    });
    expect(errors('selection "A" = subscribed\nselection "A" = unsubscribed')[0]).toMatchObject({
      code: 'duplicate-selection',
      line: 2,
    });
  });

  it('reports problems inside a saved selection at the place that uses it', () => {
    const catalog = {
      ...sampleCatalog,
      selections: [{ name: 'Bad', source: 'selection "Bad" = in Nowhere' }],
    };
    const [diagnostic] = errors('selection "A" = in selection "Bad"', catalog);
    expect(diagnostic).toMatchObject({ code: 'unknown-group', offset: 16 });
    expect(diagnostic!.message).toContain('In the saved selection "Bad"');
  });
});

describe('check: fields and types', () => {
  it('resolves built-in and custom fields', () => {
    expect(selection('city = "Berlin"')).toMatchObject({ field: { source: 'builtin', column: 'city' } });
    expect(selection('budget >= 1000')).toMatchObject({
      field: { source: 'custom', key: 'budget' },
      value: '1000',
    });
  });

  it.each([
    ['budget = "1000"', 'budget is a number', '1000'],
    ['city = 5', 'city is text', '"5"'],
    ['city = Berlin', 'city is text', '"Berlin"'],
    ['createdAt = "2026-01-01"', 'createdAt is a date', '2026-01-01'],
    ['vip = yes', 'vip is yes/no', undefined],
    ['tier = golden', 'tier is one of', 'gold'],
    ['kind = persn', 'kind is one of', 'person'],
  ])('reports %s as a type error', (text, message, suggestion) => {
    const [diagnostic] = errors(`selection "s" = ${text}`);
    expect(diagnostic).toMatchObject({ code: 'type-mismatch' });
    expect(diagnostic!.message).toContain(message);
    expect(diagnostic!.suggestion).toBe(suggestion);
  });

  it.each([
    ['tier > gold', 'only be compared with = or !='],
    ['budget contains "1"', 'not text'],
    ['city within last 3 days', 'not a date'],
    ['budget before 2026-01-01', 'not a date'],
  ])('rejects an operator that does not fit the type: %s', (text, message) => {
    expect(errors(`selection "s" = ${text}`)[0]!.message).toContain(message);
  });

  it('suggests a field for a typo', () => {
    expect(errors('selection "s" = ciyt = "Berlin"')[0]).toMatchObject({
      code: 'unknown-field',
      suggestion: 'city',
    });
  });

  it('rejects dates that are not in the calendar', () => {
    expect(errors('selection "s" = createdAt before 2026-02-30')[0]).toMatchObject({ code: 'invalid-date' });
  });

  it('rejects fractional and negative durations', () => {
    expect(errors('selection "s" = createdAt within last 1.5 days')[0]).toMatchObject({
      code: 'invalid-duration',
    });
    expect(errors('selection "s" = createdAt within last -1 days')[0]).toMatchObject({
      code: 'invalid-duration',
    });
  });

  it('turns before/after and the consent shorthand into plain comparisons', () => {
    expect(selection('createdAt before 2026-01-01')).toMatchObject({
      kind: 'compare',
      op: '<',
      value: '2026-01-01',
    });
    expect(selection('createdAt after 2026-01-01')).toMatchObject({ kind: 'compare', op: '>' });
    expect(selection('unsubscribed')).toMatchObject({
      kind: 'compare',
      field: { name: 'consent' },
      value: 'unsubscribed',
    });
  });

  it('rejects the NUL character, which PostgreSQL text cannot hold', () => {
    expect(errors('selection "s" = tagged "a\u0000b" or city = "x\u0000"').map((d) => d.code)).toEqual([
      'nul-character',
      'nul-character',
    ]);
    expect(errors('sequence "s" { add tag "\u0000" }')[0]).toMatchObject({ code: 'nul-character' });
  });

  it('warns about a country that is not a two-letter code', () => {
    const result = checkText('selection "s" = country = "Germany"', sampleCatalog);
    expect(result.checked).toBeDefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'country-code' }),
    ]);
  });

  it('resolves segments and warns about unknown tags', () => {
    expect(selection('in segment "Fair 2026"')).toEqual({
      kind: 'inSegment',
      segmentId: SEGMENT_FAIR,
      name: 'Fair 2026',
    });
    expect(errors('selection "s" = in segment "Fair 2025"')[0]).toMatchObject({
      code: 'unknown-segment',
      suggestion: '"Fair 2026"',
    });
    const tag = checkText('selection "s" = tagged "vpi"', sampleCatalog);
    expect(tag.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'unknown-tag', suggestion: '"vip"' }),
    ]);
  });
});

describe('check: automations', () => {
  it('fails activation when a template, sequence or group is missing', () => {
    const found = errors(`when added to Start/Grece start sequence "Nope"
sequence "S" {
  send email "greece-welcom"
  send email "greece-brochure"
  add to Nowhere
}
every monday at 09:00 Europe/Berln send letter "weekly-offers" to selection "Missing"`);
    expect(found.map((d) => d.code)).toEqual([
      'unknown-group',
      'unknown-sequence',
      'unknown-template',
      'wrong-template-channel',
      'unknown-group',
      'unknown-time-zone',
      'wrong-template-channel',
      'unknown-selection',
    ]);
    expect(found.find((d) => d.code === 'unknown-template')?.suggestion).toBe('"greece-welcome"');
    expect(found.find((d) => d.code === 'unknown-time-zone')?.suggestion).toBe('Europe/Berlin');
  });

  it('accepts sequences from the catalog', () => {
    expect(
      errors('when tagged "vip" start sequence "Legacy"', { ...sampleCatalog, sequences: ['Legacy'] }),
    ).toEqual([]);
  });

  it('rejects re-entry options on stop, and hours in once per', () => {
    expect(errors('when tagged "vip" stop sequence "S" every time\nsequence "S" {}')[0]).toMatchObject({
      code: 'reentry-on-stop',
    });
    expect(errors('when tagged "vip" start sequence "S" once per 3 hours\nsequence "S" {}')[0]).toMatchObject(
      { code: 'invalid-duration' },
    );
  });

  it('checks clock times and wait durations', () => {
    expect(errors('sequence "S" { wait until 24:00 }')[0]).toMatchObject({ code: 'invalid-time' });
    expect(errors('sequence "S" { wait 0 days }')[0]).toMatchObject({ code: 'invalid-duration' });
  });

  it('converts re-entry and waits into days and seconds', () => {
    const program = checked(`when tagged "vip" start sequence "S" once per 2 weeks
sequence "S" { wait 2 days }`);
    expect(program.triggers[0]!.reentry).toEqual({ policy: 'oncePerDays', days: 14 });
    expect(program.sequences[0]!.steps[0]).toEqual({
      kind: 'wait',
      seconds: 172800,
      duration: { amount: 2, unit: 'days' },
    });
  });

  it('warns about an empty sequence', () => {
    expect(checkText('sequence "S" {}', sampleCatalog).diagnostics[0]).toMatchObject({
      severity: 'warning',
      code: 'empty-sequence',
    });
  });
});

describe('check: without source text', () => {
  it('still reports offsets when no text is given', () => {
    const ast = parse('selection "s" = in Nowhere').ast!;
    expect(check(ast, sampleCatalog).diagnostics[0]).toMatchObject({
      code: 'unknown-group',
      offset: 19,
      line: 1,
      column: 20,
    });
  });
});
