// Shared pieces of the automation engine specs: a scriptable SMTP server, the
// worker's Nest context on the test database, a database of a spec's own, and an
// isolated Temporal namespace.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Connection } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { WorkerModule } from '../../../apps/worker/src/worker.module.js';
import { runMigrations } from '../../../libs/domain/src/index.js';
import { findFreePort } from '../../../libs/platform/src/index.js';
import { testDatabaseUrl, testTemporalAddress } from '../../support/test-env.js';

export const workflowsPath = new URL('../../../apps/worker/src/workflows/index.ts', import.meta.url).pathname;

export interface ReceivedMail {
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  headers: Map<string, unknown>;
}

/** An SMTP server whose answer to each message can be scripted (e.g. 421 or 550). */
export class ScriptedSmtp {
  readonly mails: ReceivedMail[] = [];
  /** Answers for the next messages, in order; undefined means accept. */
  readonly answers: ({ code: number; message: string } | undefined)[] = [];
  private server?: SMTPServer;
  private port?: number;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    this.port = await findFreePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const answer = this.answers.shift();
          if (answer) {
            callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
            return;
          }
          void simpleParser(Buffer.concat(chunks)).then((parsed) => {
            const to = parsed.to ? (Array.isArray(parsed.to) ? parsed.to : [parsed.to]) : [];
            this.mails.push({
              to: to.flatMap((address) => address.value.map((entry) => entry.address ?? '')),
              subject: parsed.subject ?? '',
              messageId: parsed.messageId ?? '',
              text: parsed.text ?? '',
              headers: parsed.headers,
            });
            callback();
          }, callback);
        });
      },
    });
    // A client that vanishes mid-session (a killed worker) resets its socket; that is no error here.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  clear(): void {
    this.mails.length = 0;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A namespace of its own, so no other spec's worker polls this spec's task queue. */
export async function isolatedNamespace(name: string): Promise<string> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace: name,
        workflowExecutionRetentionPeriod: { seconds: 86_400 as never },
      });
    } catch (error) {
      if (!/already exists/i.test(String(error))) throw error;
    }
    // A new namespace becomes visible to every frontend cache after a moment.
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await connection.workflowService.describeNamespace({ namespace: name });
        return name;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`namespace ${name} did not become available`);
  } finally {
    await connection.close();
  }
}

export async function startWorker(options: {
  smtpUrl: string;
  namespace: string;
  relay: boolean;
  waitScale?: number;
}): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    WorkerModule.forRoot({
      temporalAddress: testTemporalAddress(),
      temporalNamespace: options.namespace,
      smtpUrl: options.smtpUrl,
      mailFrom: 'Trellis <no-reply@trellis.test>',
      logLevel: 'silent',
      workflowsPath,
      databaseUrl: testDatabaseUrl(),
      relayEnabled: options.relay,
      sequenceWaitScale: options.waitScale ?? 1,
    }),
    { logger: false },
  );
}

/** Polls until the check passes (real servers, real time: relays and workflows run on their own). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw last;
}

/**
 * A migrated database of the spec's own (dropped first), so no other spec's relay
 * takes part; its URL.
 */
export async function freshDatabase(name: string): Promise<string> {
  const url = new URL(testDatabaseUrl());
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return url.toString();
}
