// The names and payloads shared by whoever starts a workflow (the API) and the
// worker that runs it. Pure: workflow bundles may import this file.

export const AUTOMATION_TASK_QUEUE = 'trellis-automation';

export const WORKFLOW_TYPES = {
  testMail: 'testMailWorkflow',
} as const;

export interface TestMailWorkflowInput {
  to: string;
  requestedBy: string;
}

export interface TestMailWorkflowResult {
  messageId: string;
  acceptedAt: string;
}

export interface SendMailRequest {
  /** Generated in the workflow, so a retried activity can be recognised. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}
