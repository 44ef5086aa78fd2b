import type { CustomValue } from '../contacts/contact.js';
import { ContactError } from '../errors/domain-error.js';
import type { FieldDefinition } from './field-definition.js';

export const MAX_TEXT_VALUE_LENGTH = 10_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** What a value of the field must look like, for messages; undefined when `value` fits. */
function mismatch(definition: FieldDefinition, value: unknown): string | undefined {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_VALUE_LENGTH
        ? undefined
        : `a string of at most ${MAX_TEXT_VALUE_LENGTH} characters`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a finite number';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? undefined : 'a date as YYYY-MM-DD';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'enum':
      return typeof value === 'string' && definition.options.includes(value)
        ? undefined
        : `one of ${definition.options.map((option) => JSON.stringify(option)).join(', ')}`;
  }
}

interface Problem {
  field: string;
  problem: string;
  code: 'CONTACT_FIELD_UNKNOWN' | 'CONTACT_FIELD_INVALID';
}

/**
 * Checks custom values against the field schema; `null` (remove the value) fits
 * every known field. Every bad field is listed; `details.field` names the first.
 */
export function validateCustomValues(
  schema: ReadonlyMap<string, FieldDefinition>,
  values: Record<string, unknown>,
): Record<string, CustomValue | null> {
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(values)) {
    const field = `custom.${key}`;
    const definition = schema.get(key);
    if (!definition) {
      problems.push({ field, code: 'CONTACT_FIELD_UNKNOWN', problem: `no custom field "${key}" is defined` });
      continue;
    }
    if (value === null) continue;
    const expected = mismatch(definition, value);
    if (expected) {
      problems.push({ field, code: 'CONTACT_FIELD_INVALID', problem: `${field} must be ${expected}` });
    }
  }
  const first = problems[0];
  if (first) {
    throw new ContactError(first.code, problems.map((entry) => entry.problem).join('; '), {
      field: first.field,
      fields: problems.map(({ field, problem }) => ({ field, problem })),
    });
  }
  return values as Record<string, CustomValue | null>;
}
