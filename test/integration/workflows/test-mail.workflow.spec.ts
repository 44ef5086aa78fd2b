import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createMailActivities } from '../../../apps/worker/src/activities/mail.activities.js';
import { AUTOMATION_TASK_QUEUE, WORKFLOW_TYPES } from '../../../libs/domain/src/index.js';
import { MailCatcher } from '../../../libs/platform/src/index.js';
import { timeSkippingServerPath } from '../../support/test-env.js';
import { loadHistories, recordHistoryIfAsked } from '../../support/workflow-histories.js';

const workflowsPath = new URL('../../../apps/worker/src/workflows/index.ts', import.meta.url).pathname;

describe('testMailWorkflow', () => {
  let env: TestWorkflowEnvironment;
  const catcher = new MailCatcher();
  const transport = () => nodemailer.createTransport({ url: catcher.url } as never);

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
    });
    await catcher.listen(0);
  });

  afterAll(async () => {
    await env?.teardown();
    await catcher.close();
  });

  beforeEach(() => catcher.clear());

  it('sends one test mail through SMTP and returns the accepted message id', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowsPath,
      activities: createMailActivities({ transport: transport(), from: 'Trellis <no-reply@trellis.test>' }),
    });
    const handle = await worker.runUntil(async () => {
      const started = await env.client.workflow.start(WORKFLOW_TYPES.testMail, {
        taskQueue: AUTOMATION_TASK_QUEUE,
        workflowId: 'test-mail-happy-path',
        args: [{ to: 'ops@example.com', requestedBy: 'admin' }],
      });
      await started.result();
      return started;
    });
    const result = (await handle.result()) as { messageId: string };
    const mails = catcher.list();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['ops@example.com']);
    expect(mails[0]!.text).toContain('requested by admin');
    expect(mails[0]!.headers['message-id']).toBe(result.messageId);
    expect(mails[0]!.headers['x-trellis-idempotency-key']).toMatch(
      /^test-mail-happy-path\/.+\/send-test-mail$/,
    );
    await recordHistoryIfAsked(WORKFLOW_TYPES.testMail, 'v1-happy-path', handle);
  });

  it('retries the send with backoff until the SMTP server accepts it', async () => {
    let attempts = 0;
    const real = transport();
    const flaky = {
      sendMail: async (message: Parameters<typeof real.sendMail>[0]) => {
        attempts += 1;
        if (attempts < 3) throw new Error('421 service not available');
        return real.sendMail(message);
      },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowsPath,
      activities: createMailActivities({ transport: flaky, from: 'Trellis <no-reply@trellis.test>' }),
    });
    await worker.runUntil(
      env.client.workflow.execute(WORKFLOW_TYPES.testMail, {
        taskQueue: AUTOMATION_TASK_QUEUE,
        workflowId: 'test-mail-flaky-smtp',
        args: [{ to: 'ops@example.com', requestedBy: 'admin' }],
      }),
    );
    expect(attempts).toBe(3);
    expect(catcher.list()).toHaveLength(1);
  });

  it('replays every committed history of this workflow without nondeterminism', async () => {
    const histories = await loadHistories(WORKFLOW_TYPES.testMail);
    expect(histories.length).toBeGreaterThan(0);
    const results = Worker.runReplayHistories({ workflowsPath }, histories);
    for await (const result of results) {
      expect(result.error).toBeUndefined();
    }
  });
});
