import type { DomainErrorCode } from '../../../../libs/domain/src/index.js';
import type { ApiErrorCode } from './api-error.js';

export function assertUnreachable(value: never): never {
  throw new Error(`unhandled error code: ${String(value)}`);
}

/** The single mapping from error code to HTTP status. Adding a code without a status fails to compile. */
export function statusForErrorCode(code: DomainErrorCode | ApiErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'INVALID_JSON':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'GROUP_NOT_FOUND':
    case 'WORKFLOW_RUN_NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
    case 'MAIL_CATCHER_DISABLED':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'GROUP_DUPLICATE_SIBLING':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'GROUP_PARENT_NOT_FOUND':
      return 422;
    default:
      return assertUnreachable(code);
  }
}
