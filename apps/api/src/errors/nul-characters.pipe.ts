import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiError, type FieldProblem } from './api-error.js';

const MAX_DEPTH = 64;

function findNulCharacters(value: unknown, path: string, into: FieldProblem[], depth = 0): FieldProblem[] {
  if (depth > MAX_DEPTH) return into;
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      into.push({ field: path || 'value', problem: `${path || 'value'} contains a NUL character` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findNulCharacters(item, `${path}[${index}]`, into, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      findNulCharacters(item, path ? `${path}.${key}` : key, into, depth + 1);
    }
  }
  return into;
}

/**
 * PostgreSQL cannot store U+0000 in text, and JSON and URLs can carry it; refused here,
 * naming the field, before any value reaches a query (where it would fail as a 500).
 */
@Injectable()
export class RejectNulCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const where = metadata.type === 'body' ? '' : (metadata.data ?? '');
    const fields = findNulCharacters(value, where, []);
    if (fields.length > 0) {
      const names = [...new Set(fields.map((entry) => entry.field))].join(', ');
      throw new ApiError('VALIDATION_FAILED', `text must not contain NUL characters: ${names}`, { fields });
    }
    return value;
  }
}
