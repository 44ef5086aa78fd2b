import { describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { AUTOMATION_TASK_QUEUE, WORKFLOW_TYPES } from '../../libs/domain/src/index.js';
import { findFreePort } from '../../libs/platform/src/index.js';
import { testTemporalAddress } from '../support/test-env.js';
import { createTestApi } from '../support/test-api.js';

const workflowsPath = new URL('../../apps/worker/src/workflows/index.ts', import.meta.url).pathname;

/** An SMTP server that takes its time accepting each message, so a send is in flight on demand. */
async function startSlowSmtpServer(delayMs: number) {
  const state = { receiving: 0, accepted: 0 };
  let onReceiving: () => void = () => undefined;
  const receiving = new Promise<void>((resolve) => (onReceiving = resolve));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      state.receiving += 1;
      onReceiving();
      stream.resume();
      stream.on('end', () =>
        setTimeout(() => {
          state.accepted += 1;
          callback();
        }, delayMs),
      );
    },
  });
  const port = await findFreePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, state, receiving, close: () => server.close() };
}

describe('graceful shutdown', () => {
  it('lets the worker finish an in-flight activity before it stops', async () => {
    const smtp = await startSlowSmtpServer(1_500);
    const worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot({
        temporalAddress: testTemporalAddress(),
        temporalNamespace: 'default',
        smtpUrl: smtp.url,
        mailFrom: 'Trellis <no-reply@trellis.test>',
        logLevel: 'silent',
        workflowsPath,
      }),
      { logger: false },
    );
    const connection = await Connection.connect({ address: testTemporalAddress() });
    try {
      const client = new Client({ connection });
      const workflowId = `shutdown-drain-${Date.now()}`;
      const handle = await client.workflow.start(WORKFLOW_TYPES.testMail, {
        taskQueue: AUTOMATION_TASK_QUEUE,
        workflowId,
        args: [{ to: 'drain@example.com', requestedBy: 'test' }],
      });
      await smtp.receiving;
      await worker.close();

      expect(smtp.state).toEqual({ receiving: 1, accepted: 1 });
      const history = await handle.fetchHistory();
      const completed = history.events?.filter((event) => event.activityTaskCompletedEventAttributes);
      expect(completed).toHaveLength(1);
    } finally {
      await connection.close();
      smtp.close();
    }
  });

  it('lets the API answer an in-flight request, then refuses new connections', async () => {
    // With Temporal unreachable, /health takes about two seconds: a natural slow request.
    const { app } = await createTestApi({ temporalAddress: '127.0.0.1:1' });
    const port = await findFreePort();
    await app.listen({ port, host: '127.0.0.1' });
    const inFlight = fetch(`http://127.0.0.1:${port}/health`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = app.close();

    const response = await inFlight;
    await response.text();
    expect(response.status).toBe(503);
    await closing;
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
