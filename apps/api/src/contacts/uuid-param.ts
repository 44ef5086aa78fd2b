import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiError } from '../errors/api-error.js';

/** A path parameter that must be a UUID; anything else is 400 VALIDATION_FAILED naming it, never a 500. */
export function UuidParam(name: string): ParameterDecorator {
  const problem = `${name} must be a UUID`;
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new ApiError('VALIDATION_FAILED', `invalid path parameter: ${name}`, {
          fields: [{ field: name, problem }],
        }),
    }),
  );
}
