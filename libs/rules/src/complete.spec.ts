import { describe, expect, it } from '@jest/globals';
import { complete } from './complete.js';
import { sampleCatalog } from './testing/sample-catalog.js';

/** Completes at the `|` marker. */
function at(textWithCursor: string) {
  const offset = textWithCursor.indexOf('|');
  return complete(textWithCursor.replace('|', ''), offset, sampleCatalog);
}

const labels = (textWithCursor: string) => at(textWithCursor).map((item) => item.label);

describe('complete', () => {
  it('offers statement keywords at the start of the text and of a new line', () => {
    expect(labels('|')).toEqual(['selection', 'when', 'sequence', 'every']);
    expect(labels('selection "a" = subscribed\n|')).toEqual(
      expect.arrayContaining(['selection', 'when', 'and', 'or']),
    );
    expect(labels('sel|')).toEqual(['selection']);
  });

  it('offers root groups and the membership keywords after "in"', () => {
    const items = at('selection "a" = in |');
    expect(items.filter((i) => i.kind === 'group').map((i) => i.label)).toEqual([
      'A/B test',
      'Customers',
      'Interested',
      'Reiseangebote',
      'Start',
      'Travel',
      'Travel offers',
    ]);
    expect(items.find((i) => i.label === 'A/B test')?.insertText).toBe('"A/B test"');
    expect(items.find((i) => i.label === 'Travel')?.detail).toBe('Travel/…');
    expect(items.filter((i) => i.kind === 'keyword').map((i) => i.label)).toEqual([
      'exactly',
      'segment',
      'selection',
    ]);
  });

  it('completes group paths segment by segment', () => {
    expect(labels('selection "a" = in Travel/|')).toEqual(['Greece']);
    expect(labels('selection "a" = in Travel/Greece/|')).toEqual(['Crete', 'Rhodes']);
    expect(labels('selection "a" = in Reiseangebote/T|')).toEqual(['Türkei']);
    expect(labels('selection "a" = in Travel/Gr|')).toEqual(['Greece']);
    expect(at('selection "a" = in Travel/Gr|')[0]?.range).toEqual({ offset: 26, length: 2 });
    expect(labels('selection "a" = in Nowhere/|')).toEqual([]);
  });

  it('completes group paths in triggers and steps', () => {
    expect(labels('when added to Start/|')).toEqual(['Greece']);
    expect(labels('sequence "s" {\n  remove from |')).toContain('Start');
  });

  it('offers tags, segments, selections and templates as quoted names', () => {
    expect(at('selection "a" = tagged |').map((i) => [i.label, i.insertText, i.kind])).toEqual([
      ['vip', '"vip"', 'tag'],
      ['hot', '"hot"', 'tag'],
    ]);
    expect(labels('selection "a" = in segment |')).toEqual(['Fair 2026']);
    expect(labels('selection "x" = subscribed\nselection "a" = in selection |')).toEqual(['x', 'a']);
    expect(labels('sequence "s" { send letter |')).toEqual(['greece-brochure']);
    expect(labels('sequence "s" { send email "greece-w|')).toEqual(['greece-welcome']);
  });

  it('offers fields and condition keywords where a condition starts', () => {
    const items = labels('selection "a" = |');
    expect(items).toEqual(
      expect.arrayContaining([
        'email',
        'createdAt',
        'budget',
        'tier',
        'in',
        'not',
        'tagged',
        'subscribed',
        '(',
      ]),
    );
    expect(labels('selection "a" = subscribed and c|')).toEqual([
      'companyName',
      'city',
      'country',
      'consent',
      'createdAt',
    ]);
  });

  it('offers the operators that fit a field type', () => {
    expect(labels('selection "a" = email |')).toEqual(
      expect.arrayContaining(['=', 'contains', 'ends with', 'is empty']),
    );
    expect(labels('selection "a" = email |')).not.toContain('within last');
    expect(labels('selection "a" = createdAt |')).toEqual(
      expect.arrayContaining(['within last', 'more than', 'before']),
    );
    expect(labels('selection "a" = budget |')).not.toContain('contains');
    expect(labels('selection "a" = tier |')).not.toContain('<');
  });

  it('offers enum and yes/no values after an operator and inside "one of"', () => {
    expect(labels('selection "a" = tier = |')).toEqual(['gold', 'silver', 'bronze']);
    expect(labels('selection "a" = consent != |')).toEqual(['unknown', 'subscribed', 'unsubscribed']);
    expect(labels('selection "a" = vip = |')).toEqual(['true', 'false']);
    expect(labels('selection "a" = kind one of (|')).toEqual(['person', 'company']);
    expect(labels('selection "a" = tier not one of (gold, |')).toEqual(['gold', 'silver', 'bronze']);
  });

  it('offers the steps inside a sequence block', () => {
    expect(labels('sequence "s" {\n  |')).toEqual([
      'send email',
      'send letter',
      'wait',
      'wait until',
      'stop if',
      'add to',
      'remove from',
      'add tag',
      'remove tag',
    ]);
    expect(labels('sequence "s" {\n  wait 2 days\n  |')).toContain('send email');
    expect(labels('sequence "s" {\n  stop if in Customers\n  |')).toEqual(
      expect.arrayContaining(['and', 'send email', '}']),
    );
  });

  it('guides through triggers and schedules', () => {
    expect(labels('when |')).toEqual(['added to', 'removed from', 'tagged']);
    expect(labels('when added to Start/Greece |')).toEqual(['if', 'start sequence', 'stop sequence']);
    expect(labels('when tagged "vip" if subscribed |')).toEqual(
      expect.arrayContaining(['and', 'start sequence']),
    );
    expect(labels('sequence "Greece" {}\nwhen tagged "vip" start sequence |')).toEqual(['Greece']);
    expect(labels('when tagged "vip" start sequence "x" |')).toEqual(
      expect.arrayContaining(['once', 'every time']),
    );
    expect(labels('every |')).toEqual(expect.arrayContaining(['monday', 'sunday', 'day']));
    expect(labels('every monday at 09:00 Europe/Ber|')).toEqual(['Berlin']);
    expect(labels('every monday at 09:00 send email "weekly-offers" to |')).toEqual(
      expect.arrayContaining(['selection', 'in', 'email']),
    );
  });

  it('offers nothing inside a comment or right after a number', () => {
    expect(labels('# selection |')).toEqual([]);
    expect(labels('selection "a" = budget > 10|')).toEqual([]);
  });
});
