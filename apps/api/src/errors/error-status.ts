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
    case 'CURSOR_INVALID':
    case 'GROUP_PATH_INVALID':
    case 'CONTACT_EMAIL_REQUIRED':
    case 'CONTACT_FIELD_UNKNOWN':
    case 'CONTACT_FIELD_INVALID':
    case 'FIELD_DEFINITION_INVALID':
    case 'RULE_INVALID':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'GROUP_NOT_FOUND':
    case 'CONTACT_NOT_FOUND':
    case 'FIELD_NOT_FOUND':
    case 'TAG_NOT_FOUND':
    case 'SEGMENT_NOT_FOUND':
    case 'WORKFLOW_RUN_NOT_FOUND':
    case 'SELECTION_NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
    case 'MAIL_CATCHER_DISABLED':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'GROUP_DUPLICATE_SIBLING':
    case 'GROUP_CYCLE':
    case 'GROUP_NOT_EMPTY':
    case 'CONTACT_EMAIL_TAKEN':
    case 'USER_EMAIL_TAKEN':
    case 'FIELD_KEY_TAKEN':
    case 'SEGMENT_NAME_TAKEN':
    case 'SELECTION_NAME_TAKEN':
    case 'SELECTION_IN_USE':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'GROUP_PARENT_NOT_FOUND':
    case 'CONTACT_COMPANY_INVALID':
    case 'USER_NOT_FOUND':
    case 'SELECTION_BROKEN':
      return 422;
    default:
      return assertUnreachable(code);
  }
}
