import type { ValidationError } from 'class-validator';
import { ApiError, type FieldProblem } from './api-error.js';

function collect(errors: ValidationError[], prefix: string, into: FieldProblem[]): FieldProblem[] {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const problem of Object.values(error.constraints ?? {})) into.push({ field, problem });
    if (error.children?.length) collect(error.children, field, into);
  }
  return into;
}

/** Lists every bad field, not just the first. */
export function validationFailed(errors: ValidationError[]): ApiError {
  const fields = collect(errors, '', []);
  const names = [...new Set(fields.map((entry) => entry.field))].join(', ');
  return new ApiError('VALIDATION_FAILED', `invalid request body: ${names}`, { fields });
}

/** The largest PostgreSQL `integer`; version numbers and similar counters are stored as one. */
export const MAX_VERSION_NUMBER = 2_147_483_647;
