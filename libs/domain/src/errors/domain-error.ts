/**
 * Every error the domain raises on purpose carries a stable code. The API maps
 * each code to an HTTP status in exactly one place (apps/api/src/errors/error-status.ts).
 */
export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly code: Code;

  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function domainErrorClass<Code extends string>(name: string) {
  return class extends DomainError<Code> {
    override readonly name = name;

    constructor(
      readonly code: Code,
      message: string,
      details: Record<string, unknown> = {},
    ) {
      super(message, details);
    }
  };
}

export type GroupTreeErrorCode =
  | 'GROUP_NOT_FOUND'
  | 'GROUP_PARENT_NOT_FOUND'
  | 'GROUP_DUPLICATE_SIBLING'
  | 'GROUP_CYCLE'
  | 'GROUP_NOT_EMPTY'
  | 'GROUP_PATH_INVALID';
export class GroupTreeError extends domainErrorClass<GroupTreeErrorCode>('GroupTreeError') {}

export type ContactErrorCode =
  | 'CONTACT_NOT_FOUND'
  | 'CONTACT_EMAIL_TAKEN'
  | 'CONTACT_EMAIL_REQUIRED'
  | 'CONTACT_COMPANY_INVALID'
  | 'CONTACT_FIELD_UNKNOWN'
  | 'CONTACT_FIELD_INVALID'
  | 'USER_NOT_FOUND'
  | 'USER_EMAIL_TAKEN';
export class ContactError extends domainErrorClass<ContactErrorCode>('ContactError') {}

export type FieldSchemaErrorCode = 'FIELD_NOT_FOUND' | 'FIELD_KEY_TAKEN' | 'FIELD_DEFINITION_INVALID';
export class FieldSchemaError extends domainErrorClass<FieldSchemaErrorCode>('FieldSchemaError') {}

export type LabelErrorCode = 'TAG_NOT_FOUND' | 'SEGMENT_NOT_FOUND' | 'SEGMENT_NAME_TAKEN';
export class LabelError extends domainErrorClass<LabelErrorCode>('LabelError') {}

export type PaginationErrorCode = 'CURSOR_INVALID';
export class PaginationError extends domainErrorClass<PaginationErrorCode>('PaginationError') {}

export type WorkflowRunErrorCode = 'WORKFLOW_RUN_NOT_FOUND';
export class WorkflowRunError extends domainErrorClass<WorkflowRunErrorCode>('WorkflowRunError') {}

/** Rule text that cannot be read or checked; `details.diagnostics` says where and why. */
export type RuleErrorCode = 'RULE_INVALID';
export class RuleError extends domainErrorClass<RuleErrorCode>('RuleError') {}

export type SelectionErrorCode =
  'SELECTION_NOT_FOUND' | 'SELECTION_NAME_TAKEN' | 'SELECTION_IN_USE' | 'SELECTION_BROKEN';
export class SelectionError extends domainErrorClass<SelectionErrorCode>('SelectionError') {}

export type TemplateErrorCode =
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_VERSION_NOT_FOUND'
  | 'TEMPLATE_NAME_TAKEN'
  | 'TEMPLATE_NOT_PUBLISHED'
  | 'TEMPLATE_KIND_MISMATCH'
  | 'TEMPLATE_DATA_INVALID'
  | 'TEMPLATE_PART_NOT_FOUND'
  | 'TEMPLATE_PART_NAME_TAKEN'
  | 'TEMPLATE_PART_IN_USE'
  | 'MAIL_TRANSPORT_UNAVAILABLE'
  | 'MAIL_DELIVERY_FAILED';
export class TemplateError extends domainErrorClass<TemplateErrorCode>('TemplateError') {}

export type LetterErrorCode = 'PDF_RENDERER_UNAVAILABLE';
export class LetterError extends domainErrorClass<LetterErrorCode>('LetterError') {}

export type AutomationErrorCode =
  | 'AUTOMATION_NOT_FOUND'
  | 'AUTOMATION_NAME_TAKEN'
  | 'AUTOMATION_INVALID'
  | 'AUTOMATION_VERSION_NOT_FOUND'
  | 'SEQUENCE_NOT_FOUND'
  | 'SEQUENCE_NAME_TAKEN'
  | 'LETTER_NOT_FOUND';
export class AutomationError extends domainErrorClass<AutomationErrorCode>('AutomationError') {}

/**
 * An unsubscribe link that was not signed by this installation (mistyped, cut off,
 * tampered with), or one whose contact has been erased since the mail went out.
 */
export type ConsentErrorCode = 'UNSUBSCRIBE_LINK_INVALID' | 'UNSUBSCRIBE_CONTACT_GONE';
export class ConsentError extends domainErrorClass<ConsentErrorCode>('ConsentError') {}

/** Union of every code the domain can raise; the API's mapping must cover all of them. */
export type DomainErrorCode =
  | GroupTreeErrorCode
  | ContactErrorCode
  | FieldSchemaErrorCode
  | LabelErrorCode
  | PaginationErrorCode
  | WorkflowRunErrorCode
  | RuleErrorCode
  | SelectionErrorCode
  | TemplateErrorCode
  | LetterErrorCode
  | AutomationErrorCode
  | ConsentErrorCode;
