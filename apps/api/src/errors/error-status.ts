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
    case 'TEMPLATE_INVALID':
    case 'UNSUBSCRIBE_LINK_INVALID':
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
    case 'TEMPLATE_NOT_FOUND':
    case 'TEMPLATE_VERSION_NOT_FOUND':
    case 'TEMPLATE_PART_NOT_FOUND':
    case 'AUTOMATION_NOT_FOUND':
    case 'AUTOMATION_VERSION_NOT_FOUND':
    case 'SEQUENCE_NOT_FOUND':
    case 'LETTER_NOT_FOUND':
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
    case 'TEMPLATE_NAME_TAKEN':
    case 'TEMPLATE_NOT_PUBLISHED':
    case 'TEMPLATE_PART_NAME_TAKEN':
    case 'TEMPLATE_PART_IN_USE':
    case 'AUTOMATION_NAME_TAKEN':
    case 'SEQUENCE_NAME_TAKEN':
      return 409;
    case 'UNSUBSCRIBE_CONTACT_GONE':
      return 410;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'GROUP_PARENT_NOT_FOUND':
    case 'CONTACT_COMPANY_INVALID':
    case 'USER_NOT_FOUND':
    case 'SELECTION_BROKEN':
    case 'TEMPLATE_KIND_MISMATCH':
    case 'TEMPLATE_DATA_INVALID':
    case 'AUTOMATION_INVALID':
      return 422;
    case 'MAIL_DELIVERY_FAILED':
      return 502;
    case 'MAIL_TRANSPORT_UNAVAILABLE':
    case 'PDF_RENDERER_UNAVAILABLE':
      return 503;
    default:
      return assertUnreachable(code);
  }
}
