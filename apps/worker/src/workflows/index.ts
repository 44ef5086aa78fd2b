export { testMailWorkflow } from './test-mail.workflow.js';
export { followUpSequenceWorkflow } from './follow-up-sequence.workflow.js';
export { scheduledMailingWorkflow } from './scheduled-mailing.workflow.js';
