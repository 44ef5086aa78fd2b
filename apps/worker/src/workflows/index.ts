export { testMailWorkflow } from './test-mail.workflow.js';
