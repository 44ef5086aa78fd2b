import { describe, expect, it } from '@jest/globals';
import { ContactError } from '../errors/domain-error.js';
import { validateCustomValues } from './custom-values.js';
import type { FieldDefinition } from './field-definition.js';

const field = (key: string, type: FieldDefinition['type'], options: string[] = []): FieldDefinition => ({
  key,
  label: key,
  type,
  options,
  createdAt: new Date(0),
});

const schema = new Map(
  [
    field('note', 'text'),
    field('budget', 'number'),
    field('since', 'date'),
    field('vip', 'boolean'),
    field('trip', 'enum', ['sea', 'mountains']),
  ].map((definition) => [definition.key, definition]),
);

function problemOf(values: Record<string, unknown>): { code: string; details: Record<string, unknown> } {
  try {
    validateCustomValues(schema, values);
  } catch (error) {
    if (error instanceof ContactError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a ContactError');
}

describe('validateCustomValues', () => {
  it('accepts a value of each type, and null for any known field', () => {
    const values = { note: 'x', budget: -1.5, since: '2024-02-29', vip: false, trip: 'sea' };
    expect(validateCustomValues(schema, values)).toEqual(values);
    expect(validateCustomValues(schema, { note: null, trip: null })).toEqual({ note: null, trip: null });
  });

  it.each([
    ['budget', '12'],
    ['budget', Number.NaN],
    ['budget', Number.POSITIVE_INFINITY],
    ['since', '2023-02-29'],
    ['since', '2024-1-01'],
    ['since', 20240101],
    ['vip', 'true'],
    ['trip', 'city'],
    ['trip', 1],
    ['note', 'x'.repeat(10_001)],
    ['note', { nested: true }],
  ])('refuses %s = %p as CONTACT_FIELD_INVALID naming custom.%s', (key, value) => {
    expect(problemOf({ [key]: value })).toMatchObject({
      code: 'CONTACT_FIELD_INVALID',
      details: { field: `custom.${key}` },
    });
  });

  it('refuses an unknown key as CONTACT_FIELD_UNKNOWN, and lists every bad field', () => {
    const problem = problemOf({ nope: 1, budget: 'x', vip: 1 });
    expect(problem.code).toBe('CONTACT_FIELD_UNKNOWN');
    expect(problem.details.field).toBe('custom.nope');
    expect((problem.details.fields as { field: string }[]).map((entry) => entry.field)).toEqual([
      'custom.nope',
      'custom.budget',
      'custom.vip',
    ]);
  });
});
