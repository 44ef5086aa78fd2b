import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import {
  FOLLOW_UP_QUERIES,
  type FollowUpStatus,
  SequenceInsightService,
} from '../../../../libs/domain/src/index.js';
import type { ApiSettings } from '../api-settings.js';
import type { LiveEntry } from './automations.dto.js';

/** How long a running workflow gets to answer its status query before the stored report is shown. */
const QUERY_TIMEOUT_MS = 2_000;

/**
 * A contact's sequences: the stored entries, and for open ones the live answer
 * of the workflow's status query (current step, next wake-up), with a link into
 * the Temporal UI. When Temporal or the worker cannot answer, the last report
 * the workflow stored is shown instead.
 */
@Injectable()
export class ContactAutomationsService implements OnApplicationShutdown {
  private connecting?: Promise<Client>;

  constructor(
    private readonly insight: SequenceInsightService,
    private readonly settings: Pick<ApiSettings, 'temporalAddress' | 'temporalNamespace' | 'temporalUiUrl'>,
  ) {}

  async forContact(contactId: string): Promise<LiveEntry[]> {
    const entries = await this.insight.forContact(contactId);
    return Promise.all(
      entries.map(async (entry) => {
        const open = entry.status === 'running' || entry.status === 'waiting';
        const live = open ? await this.query(entry.workflowId) : undefined;
        return { entry, ...(live ? { live } : {}), temporalUiUrl: this.uiLink(entry.workflowId) };
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = this.connecting;
    this.connecting = undefined;
    const client = await Promise.race([pending, Promise.resolve(undefined)]).catch(() => undefined);
    await client?.connection.close();
  }

  private uiLink(workflowId: string): string | null {
    const base = this.settings.temporalUiUrl?.replace(/\/+$/, '');
    if (!base) return null;
    return `${base}/namespaces/${encodeURIComponent(this.settings.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }

  private async query(workflowId: string): Promise<FollowUpStatus | undefined> {
    try {
      const client = await this.client();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>(
        (resolve) => (timer = setTimeout(() => resolve(undefined), QUERY_TIMEOUT_MS)),
      );
      try {
        return await Promise.race([
          client.workflow.getHandle(workflowId).query<FollowUpStatus>(FOLLOW_UP_QUERIES.status),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    } catch {
      return undefined;
    }
  }

  private client(): Promise<Client> {
    this.connecting ??= Connection.connect({ address: this.settings.temporalAddress, connectTimeout: '5s' })
      .then((connection) => new Client({ connection, namespace: this.settings.temporalNamespace }))
      .catch((error: unknown) => {
        this.connecting = undefined;
        throw error;
      });
    return this.connecting;
  }
}
