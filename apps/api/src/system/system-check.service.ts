import { Injectable } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  AUTOMATION_TASK_QUEUE,
  WORKFLOW_TYPES,
  WorkflowRunError,
  type TestMailWorkflowInput,
  type TestMailWorkflowResult,
} from '../../../../libs/domain/src/index.js';
import { TemporalClientProvider } from '../temporal/temporal-client.provider.js';

export interface TestMailRun {
  workflowId: string;
  status: string;
  result?: TestMailWorkflowResult;
  temporalUiUrl?: string;
}

/** Sends a test mail through Temporal and the worker: the whole delivery path, end to end. */
@Injectable()
export class SystemCheckService {
  constructor(private readonly temporal: TemporalClientProvider) {}

  async startTestMail(input: TestMailWorkflowInput): Promise<TestMailRun> {
    const client = await this.temporal.client();
    const workflowId = `test-mail-${crypto.randomUUID()}`;
    await client.workflow.start(WORKFLOW_TYPES.testMail, {
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowId,
      args: [input],
    });
    return { workflowId, status: 'RUNNING', temporalUiUrl: this.uiLink(workflowId) };
  }

  async getTestMail(workflowId: string): Promise<TestMailRun> {
    const client = await this.temporal.client();
    const handle = client.workflow.getHandle(workflowId);
    try {
      const description = await handle.describe();
      const status = description.status.name;
      const result = status === 'COMPLETED' ? ((await handle.result()) as TestMailWorkflowResult) : undefined;
      return { workflowId, status, result, temporalUiUrl: this.uiLink(workflowId) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        throw new WorkflowRunError('WORKFLOW_RUN_NOT_FOUND', `no test mail run ${workflowId}`, {
          workflowId,
        });
      }
      throw error;
    }
  }

  private uiLink(workflowId: string): string | undefined {
    const base = this.temporal.uiUrl;
    if (!base) return undefined;
    return `${base}/namespaces/${encodeURIComponent(this.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }
}
