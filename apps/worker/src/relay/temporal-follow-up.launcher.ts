import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  AUTOMATION_TASK_QUEUE,
  type AutomationCommand,
  FOLLOW_UP_SIGNALS,
  type FollowUpLauncher,
  WORKFLOW_TYPES,
} from '../../../../libs/domain/src/index.js';

/**
 * Executes the relay's commands on Temporal. The workflow id is the entry's, and
 * a duplicate is refused even after the first run ended, so a command executed
 * again after a crash starts nothing; a stop for an ended workflow has nothing to do.
 */
export class TemporalFollowUpLauncher implements FollowUpLauncher {
  constructor(
    private readonly client: () => Promise<Client>,
    /** A call that takes longer fails and is retried later, so an unreachable server never stalls the relay. */
    private readonly callTimeoutMs = 10_000,
  ) {}

  async execute(command: AutomationCommand): Promise<void> {
    const client = await this.client();
    await client.connection.withDeadline(Date.now() + this.callTimeoutMs, () => this.call(client, command));
  }

  private async call(client: Client, command: AutomationCommand): Promise<void> {
    if (command.kind === 'start') {
      try {
        await client.workflow.start(WORKFLOW_TYPES.followUpSequence, {
          taskQueue: AUTOMATION_TASK_QUEUE,
          workflowId: command.workflowId,
          args: [command.payload],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      return;
    }
    try {
      await client.workflow.getHandle(command.workflowId).signal(FOLLOW_UP_SIGNALS.stop, command.payload);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}
