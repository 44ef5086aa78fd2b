import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ActivityFailure,
  ApplicationFailure,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
  WorkflowFailedError,
} from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  createScheduledMailingActivities,
  type ScheduledMailingActivityDeps,
} from '../../../apps/worker/src/activities/scheduled-mailing.activities.js';
import {
  CONTACTS_PER_PAGE,
  PAGES_PER_RUN,
} from '../../../apps/worker/src/workflows/scheduled-mailing.workflow.js';
import {
  AUTOMATION_TASK_QUEUE,
  SCHEDULED_MAILING_INPUT_VERSION,
  SCHEDULED_MAILING_QUERIES,
  type ScheduledMailingInput,
  type ScheduledMailingPage,
  type ScheduledMailingPageRequest,
  type ScheduledMailingProgress,
  scheduledMailingDeliveryKey,
  scheduledMailingScheduleId,
  SelectionError,
  WORKFLOW_TYPES,
} from '../../../libs/domain/src/index.js';
import type { CheckedCondition } from '../../../libs/rules/src/index.js';
import { timeSkippingServerPath } from '../../support/test-env.js';
import { loadHistories, recordHistoryIfAsked } from '../../support/workflow-histories.js';

const workflowsPath = new URL('../../../apps/worker/src/workflows/index.ts', import.meta.url).pathname;
const TYPE = WORKFLOW_TYPES.scheduledMailing;
const AUTOMATION_VERSION = '44444444-4444-4444-8444-444444444444';
const VIP: CheckedCondition = { kind: 'tagged', tag: 'vip' };

/** Sorted contact ids; zero-padded so that text order is id order, as in the database. */
function contacts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `c-${String(i).padStart(5, '0')}`);
}

type Outcome = 'sent' | 'skipped' | 'failed';

/**
 * Every 10th contact is skipped (say, unsubscribed) and every 25th fails (say, a rejected
 * address), offset so that neither lines up with a page boundary.
 */
function outcomeOf(contactId: string): Outcome {
  const index = Number(contactId.slice(2));
  if (index % 25 === 7) return 'failed';
  if (index % 10 === 3) return 'skipped';
  return 'sent';
}

/** What the fake reads a saved selection as. */
function resolved(selection: string): CheckedCondition {
  return { kind: 'tagged', tag: `saved:${selection}` };
}

function totalsOf(ids: string[]): ScheduledMailingProgress {
  const totals = { sent: 0, skipped: 0, failed: 0 };
  for (const id of ids) totals[outcomeOf(id)] += 1;
  return totals;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * In-memory stand-in for the mailing service: pages through a fixed audience in id
 * order and, like the real one, sends each idempotency key at most once.
 */
class FakeMailings {
  readonly requests: { at: number; request: ScheduledMailingPageRequest }[] = [];
  /** Idempotency keys of the messages actually handed to the mail server, in order. */
  readonly sent: string[] = [];
  /** Overrides the page size the workflow asks for, to get many pages out of few contacts. */
  pageSize: number | undefined;
  /** Called as a page request arrives, before anything is delivered. */
  beforePage: ((call: number) => Promise<void>) | undefined;
  /** Page calls (1-based, counting attempts) that crash midway, after delivering part of the page. */
  readonly crashOn = new Set<number>();

  constructor(
    readonly audience: string[],
    private readonly now: () => Promise<number>,
  ) {}

  deps(): ScheduledMailingActivityDeps {
    return { mailings: { deliverPage: (request, onContact) => this.deliverPage(request, onContact) } };
  }

  private async deliverPage(
    request: ScheduledMailingPageRequest,
    onContact: () => void,
  ): Promise<ScheduledMailingPage> {
    this.requests.push({ at: await this.now(), request: structuredClone(request) });
    const call = this.requests.length;
    await this.beforePage?.(call);
    const start = request.after === null ? 0 : this.audience.filter((id) => id <= request.after!).length;
    const size = this.pageSize ?? request.limit;
    const page = this.audience.slice(start, start + size);
    const done: ScheduledMailingPage = {
      sent: 0,
      skipped: 0,
      failed: 0,
      next: null,
      // Like the real service: a saved selection comes back as the condition it read.
      audience: {
        condition: request.audience.selection
          ? resolved(request.audience.selection)
          : request.audience.condition,
      },
    };
    for (const [i, id] of page.entries()) {
      if (this.crashOn.has(call) && i === Math.floor(page.length / 2)) {
        throw new Error('connection to the mail server reset');
      }
      const outcome = outcomeOf(id);
      const key = scheduledMailingDeliveryKey(request.workflowId, id);
      // A contact delivered by a crashed attempt counts as sent on the retry but is not sent again.
      if (outcome === 'sent' && !this.sent.includes(key)) this.sent.push(key);
      done[outcome] += 1;
      onContact();
    }
    done.next = page.length < size ? null : page.at(-1)!;
    return done;
  }

  afters(): (string | null)[] {
    return this.requests.map(({ request }) => request.after);
  }
}

describe('scheduledMailingWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let counter = 0;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  function input(extra: Partial<ScheduledMailingInput> = {}): ScheduledMailingInput {
    return {
      definitionVersion: SCHEDULED_MAILING_INPUT_VERSION,
      automationVersionId: AUTOMATION_VERSION,
      automationName: 'Weekly VIP newsletter',
      scheduleIndex: 0,
      channel: 'email',
      template: 'vip-weekly',
      audience: { condition: VIP },
      ...extra,
    };
  }

  async function withWorker<T>(mailings: FakeMailings, body: () => Promise<T>): Promise<T> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowsPath,
      activities: createScheduledMailingActivities(mailings.deps()),
    });
    return worker.runUntil(body());
  }

  // Schedules start their workflows as `<schedule id>-<fire time>`; each test is one firing.
  async function start(args: ScheduledMailingInput): Promise<WorkflowHandleWithFirstExecutionRunId> {
    return env.client.workflow.start(TYPE, {
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowId: `${scheduledMailingScheduleId(args.automationVersionId, args.scheduleIndex, 'Europe/Berlin')}-${++counter}`,
      args: [args],
    });
  }

  async function progressOf(handle: WorkflowHandle): Promise<ScheduledMailingProgress> {
    return handle.query<ScheduledMailingProgress>(SCHEDULED_MAILING_QUERIES.progress);
  }

  const newMailings = (count: number) => new FakeMailings(contacts(count), () => env.currentTimeMs());

  it('pages through the audience in id order, as of the moment it started, and adds up the totals', async () => {
    const mailings = newMailings(250);
    // Time passes on every page (less than the heartbeat timeout, or the page would time
    // out): a mailing that read "now" per page would see it move.
    mailings.beforePage = () => env.sleep(10_000);
    const args = input();
    const { result, handle } = await withWorker(mailings, async () => {
      const handle = await start(args);
      return { result: (await handle.result()) as ScheduledMailingProgress, handle };
    });
    const audience = mailings.audience;
    expect(mailings.afters()).toEqual([
      null,
      audience[CONTACTS_PER_PAGE - 1],
      audience[2 * CONTACTS_PER_PAGE - 1],
    ]);
    const asOf = mailings.requests[0]!.request.asOf;
    const startedAt = (await handle.describe()).startTime.getTime();
    expect(Date.parse(asOf)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(asOf)).toBeLessThanOrEqual(mailings.requests[0]!.at);
    expect(mailings.requests.at(-1)!.at - mailings.requests[0]!.at).toBeGreaterThanOrEqual(2 * 10_000);
    for (const { request } of mailings.requests) {
      expect(request).toEqual({
        workflowId: handle.workflowId,
        automationVersionId: AUTOMATION_VERSION,
        automationName: 'Weekly VIP newsletter',
        scheduleIndex: 0,
        channel: 'email',
        template: 'vip-weekly',
        audience: { condition: VIP },
        asOf,
        after: request.after,
        limit: CONTACTS_PER_PAGE,
      });
    }
    const expected = totalsOf(audience);
    expect(expected.skipped).toBeGreaterThan(0);
    expect(expected.failed).toBeGreaterThan(0);
    expect(result).toEqual(expected);
    expect(result.sent + result.skipped + result.failed).toBe(250);
    expect(mailings.sent).toEqual(
      audience
        .filter((id) => outcomeOf(id) === 'sent')
        .map((id) => scheduledMailingDeliveryKey(handle.workflowId, id)),
    );
    await recordHistoryIfAsked(TYPE, 'v1-three-pages', handle);
  });

  it('ends after one page with zeros when the audience is empty', async () => {
    const mailings = newMailings(0);
    const result = await withWorker(mailings, async () => (await start(input())).result());
    expect(result).toEqual({ sent: 0, skipped: 0, failed: 0 });
    expect(mailings.afters()).toEqual([null]);
    expect(mailings.sent).toEqual([]);
  });

  it('continues as new after PAGES_PER_RUN pages, carrying cursor, asOf, totals and the audience read first, under the same id', async () => {
    const count = PAGES_PER_RUN + 5;
    const mailings = newMailings(count);
    mailings.pageSize = 1;
    const args = input({
      channel: 'letter',
      template: 'vip-brochure',
      audience: { selection: 'Weekly VIPs', condition: VIP },
    });
    const { result, handle, resumes } = await withWorker(mailings, async () => {
      const handle = await start(args);
      const result = (await handle.result()) as ScheduledMailingProgress;
      // Follow the chain of runs from the first one: each but the last ends by continuing as new.
      const resumes: ScheduledMailingInput['resume'][] = [];
      let runId: string | undefined = handle.firstExecutionRunId;
      while (runId) {
        const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
        const first = history.events![0]!.workflowExecutionStartedEventAttributes!;
        const started =
          env.client.options.loadedDataConverter.payloadConverter.fromPayload<ScheduledMailingInput>(
            first.input!.payloads![0]!,
          );
        resumes.push(started.resume);
        runId =
          history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
          undefined;
      }
      return { result, handle, resumes };
    });
    const audience = mailings.audience;
    // One contact a page, and a last, empty page that says the audience is done.
    expect(mailings.afters()).toEqual([null, ...audience]);
    const asOf = mailings.requests[0]!.request.asOf;
    for (const { request } of mailings.requests) {
      expect(request).toMatchObject({ workflowId: handle.workflowId, asOf, channel: 'letter' });
    }
    // The saved selection is read once, by the first page; every later page, in either run, gets
    // that reading back, so editing the selection mid-mailing changes nothing.
    expect(mailings.requests.map(({ request }) => request.audience)).toEqual([
      { selection: 'Weekly VIPs', condition: VIP },
      ...audience.map(() => ({ condition: resolved('Weekly VIPs') })),
    ]);
    expect(resumes).toEqual([
      undefined,
      {
        asOf,
        after: audience[PAGES_PER_RUN - 1],
        progress: totalsOf(audience.slice(0, PAGES_PER_RUN)),
        run: 1,
        audience: { condition: resolved('Weekly VIPs') },
      },
    ]);
    expect(result).toEqual(totalsOf(audience));
    expect(result.sent + result.skipped + result.failed).toBe(count);
    expect(new Set(mailings.sent).size).toBe(mailings.sent.length);
    await recordHistoryIfAsked(
      TYPE,
      'v1-continue-as-new-first-run',
      env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId),
    );
    await recordHistoryIfAsked(TYPE, 'v1-continue-as-new-last-run', handle);
  });

  it('retries a page that failed midway and counts none of its contacts twice', async () => {
    const mailings = newMailings(250);
    mailings.crashOn.add(2);
    const { result, handle } = await withWorker(mailings, async () => {
      const handle = await start(input());
      return { result: (await handle.result()) as ScheduledMailingProgress, handle };
    });
    const audience = mailings.audience;
    const second = audience[CONTACTS_PER_PAGE - 1];
    expect(mailings.afters()).toEqual([null, second, second, audience[2 * CONTACTS_PER_PAGE - 1]]);
    // The retry waits for the policy's initial interval rather than hammering a failing server.
    expect(mailings.requests[2]!.at - mailings.requests[1]!.at).toBeGreaterThanOrEqual(2000);
    expect(result).toEqual(totalsOf(audience));
    expect(mailings.sent).toEqual(
      audience
        .filter((id) => outcomeOf(id) === 'sent')
        .map((id) => scheduledMailingDeliveryKey(handle.workflowId, id)),
    );
    await recordHistoryIfAsked(TYPE, 'v1-retried-page', handle);
  });

  it('answers the progress query with the totals of the pages done so far', async () => {
    const mailings = newMailings(250);
    const reached = deferred();
    const release = deferred();
    mailings.beforePage = async (call) => {
      if (call !== 2) return;
      reached.resolve();
      await release.promise;
    };
    const { during, result, after } = await withWorker(mailings, async () => {
      const handle = await start(input());
      await reached.promise;
      const during = await progressOf(handle);
      release.resolve();
      const result = (await handle.result()) as ScheduledMailingProgress;
      return { during, result, after: await progressOf(handle) };
    });
    expect(during).toEqual(totalsOf(mailings.audience.slice(0, CONTACTS_PER_PAGE)));
    expect(result).toEqual(totalsOf(mailings.audience));
    expect(after).toEqual(result);
  });

  it('fails the firing at once, saying why, when its audience cannot be read (a broken saved selection)', async () => {
    const mailings = newMailings(250);
    mailings.beforePage = async (call) => {
      if (call === 2) {
        throw new SelectionError('SELECTION_BROKEN', 'selection "Weekly VIPs" names a group that is gone');
      }
    };
    const failure = await withWorker(mailings, async () =>
      (await start(input())).result().then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = ((failure as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause).toMatchObject({
      type: 'SELECTION_BROKEN',
      nonRetryable: true,
      message: 'selection "Weekly VIPs" names a group that is gone',
    });
    // No retry of the broken page: it stays broken however often it is tried.
    expect(mailings.afters()).toEqual([null, mailings.audience[CONTACTS_PER_PAGE - 1]]);
  });

  it('replays every committed history of this workflow without nondeterminism', async () => {
    const histories = await loadHistories(TYPE);
    expect(histories.length).toBeGreaterThan(0);
    for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) {
      expect(result.error).toBeUndefined();
    }
  });
});
