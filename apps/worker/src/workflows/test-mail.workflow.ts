import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MailActivities } from '../activities/mail.activities.js';
import type {
  TestMailWorkflowInput,
  TestMailWorkflowResult,
} from '../../../../libs/domain/src/automation/workflow-contracts.js';

const { sendMail } = proxyActivities<MailActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
});

/**
 * Sends one test mail through the worker's SMTP transport: proves that the API,
 * Temporal, the worker and SMTP are wired together.
 */
export async function testMailWorkflow(input: TestMailWorkflowInput): Promise<TestMailWorkflowResult> {
  const { workflowId, runId } = workflowInfo();
  const delivery = await sendMail({
    idempotencyKey: `${workflowId}/${runId}/send-test-mail`,
    to: input.to,
    subject: 'Trellis test mail',
    text: `This test mail was requested by ${input.requestedBy}. Mail delivery from Trellis works.`,
  });
  return { messageId: delivery.messageId, acceptedAt: delivery.acceptedAt };
}
