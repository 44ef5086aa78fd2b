import { fileURLToPath } from 'node:url';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import nodemailer, { type Transporter } from 'nodemailer';
import { AUTOMATION_TASK_QUEUE } from '../../../libs/domain/src/index.js';
import { FOLLOW_UP_ACTIVITIES } from './activities/follow-up-activities.provider.js';
import type { FollowUpActivities } from './activities/follow-up.activities.js';
import { SCHEDULED_MAILING_ACTIVITIES } from './activities/scheduled-mailing-activities.provider.js';
import type { ScheduledMailingActivities } from './activities/scheduled-mailing.activities.js';
import { createMailActivities } from './activities/mail.activities.js';
import { WORKER_SETTINGS, type WorkerSettings } from './worker-settings.js';

/** The compiled workflow entry point next to this file (dist) or the source one under ts-jest. */
export function defaultWorkflowsPath(): string {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./workflows/index.${extension}`, import.meta.url));
}

@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;
  private transport?: Transporter;

  constructor(
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    /** Present when the worker has a database (the automation engine). */
    @Optional() @Inject(FOLLOW_UP_ACTIVITIES) private readonly followUpActivities?: FollowUpActivities,
    @Optional()
    @Inject(SCHEDULED_MAILING_ACTIVITIES)
    private readonly scheduledMailingActivities?: ScheduledMailingActivities,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.transport = nodemailer.createTransport({
      url: this.settings.smtpUrl,
      pool: true,
      maxConnections: 5,
    } as never);
    this.connection = await NativeConnection.connect({ address: this.settings.temporalAddress });
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.settings.temporalNamespace,
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowsPath: this.settings.workflowsPath ?? defaultWorkflowsPath(),
      activities: {
        ...createMailActivities({ transport: this.transport, from: this.settings.mailFrom }),
        ...this.followUpActivities,
        ...this.scheduledMailingActivities,
      },
      // In-flight activities get this long to finish after SIGTERM before they are cancelled.
      shutdownGraceTime: '20 seconds',
    });
    this.running = this.worker.run();
    this.running.catch((error: unknown) => {
      this.logger.error({ err: error }, 'the Temporal worker stopped with an error');
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    this.logger.log(`polling task queue ${AUTOMATION_TASK_QUEUE} on ${this.settings.temporalAddress}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
    this.transport?.close();
    this.logger.log('worker drained and stopped');
  }
}
