/**
 * Every error the domain raises on purpose carries a stable code. The API maps
 * each code to an HTTP status in exactly one place.
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

export type GroupTreeErrorCode = 'GROUP_NOT_FOUND' | 'GROUP_PARENT_NOT_FOUND' | 'GROUP_DUPLICATE_SIBLING';

export class GroupTreeError extends DomainError<GroupTreeErrorCode> {
  override readonly name = 'GroupTreeError';

  constructor(
    readonly code: GroupTreeErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}

export type WorkflowRunErrorCode = 'WORKFLOW_RUN_NOT_FOUND';

export class WorkflowRunError extends DomainError<WorkflowRunErrorCode> {
  override readonly name = 'WorkflowRunError';

  constructor(
    readonly code: WorkflowRunErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}

/** Union of every code the domain can raise; the API's mapping must cover all of them. */
export type DomainErrorCode = GroupTreeErrorCode | WorkflowRunErrorCode;
