import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/activity';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  createFollowUpActivities,
  type FollowUpActivityDeps,
} from '../../../apps/worker/src/activities/follow-up.activities.js';
import { STEPS_PER_RUN } from '../../../apps/worker/src/workflows/follow-up-sequence.workflow.js';
import {
  AUTOMATION_TASK_QUEUE,
  FOLLOW_UP_INPUT_VERSION,
  FOLLOW_UP_QUERIES,
  FOLLOW_UP_SIGNALS,
  type FollowUpProgress,
  type FollowUpResult,
  type FollowUpSequenceInput,
  type FollowUpStatus,
  type FollowUpStopRequest,
  followUpWorkflowId,
  type SequenceDeliveryRequest,
  WORKFLOW_TYPES,
} from '../../../libs/domain/src/index.js';
import type { CheckedCondition, StepDefinition } from '../../../libs/rules/src/index.js';
import { timeSkippingServerPath } from '../../support/test-env.js';
import { loadHistories, recordHistoryIfAsked } from '../../support/workflow-histories.js';

const workflowsPath = new URL('../../../apps/worker/src/workflows/index.ts', import.meta.url).pathname;
const TYPE = WORKFLOW_TYPES.followUpSequence;
const CONTACT = '11111111-1111-4111-8111-111111111111';
const START_GROUP = '22222222-2222-4222-8222-222222222222';
const OTHER_GROUP = '33333333-3333-4333-8333-333333333333';
const VIP: CheckedCondition = { kind: 'tagged', tag: 'vip' };

/** In-memory stand-ins for the domain services, recording what the workflow asked for and when. */
class FakeWorld {
  readonly calls: { at: number; what: string; detail?: unknown }[] = [];
  readonly progress: FollowUpProgress[] = [];
  zone: string | undefined = 'Europe/Berlin';
  exists = true;
  unsubscribed = false;
  tags = new Set<string>();
  groups = new Set<string>([START_GROUP]);
  failSend: 'never' | 'permanent' = 'never';

  constructor(private readonly now: () => Promise<number>) {}

  private async log(what: string, detail?: unknown) {
    this.calls.push({ at: await this.now(), what, detail });
  }

  deps(): FollowUpActivityDeps {
    const send = (channel: string) => async (request: SequenceDeliveryRequest) => {
      if (!this.exists) return { status: 'skipped' as const, reason: 'contactDeleted' as const };
      if (this.unsubscribed) {
        await this.log(`skip ${channel} ${request.template}`, request);
        return {
          status: 'skipped' as const,
          reason: 'unsubscribed' as const,
          deliveryId: request.idempotencyKey,
        };
      }
      if (this.failSend === 'permanent') {
        await this.log(`fail ${channel} ${request.template}`, request);
        throw ApplicationFailure.nonRetryable('550 mailbox unavailable', 'SmtpPermanent');
      }
      await this.log(`${channel} ${request.template}`, request);
      return { status: 'sent' as const, deliveryId: request.idempotencyKey };
    };
    return {
      deliveries: { sendEmail: send('email'), sendLetter: send('letter') },
      runtime: {
        evaluate: async (_contactId, condition) => {
          await this.log('evaluate', condition);
          if (!this.exists) return { contactExists: false, matches: false };
          return {
            contactExists: true,
            matches: condition.kind === 'tagged' && this.tags.has(condition.tag),
          };
        },
        contactTimeZone: async () => (this.exists ? this.zone : null),
        recordProgress: async (progress) => {
          this.progress.push(progress);
        },
      },
      memberships: {
        change: async (command) => {
          await this.log(`${command.change} group ${command.groupId}`, command);
          if (!this.exists) return { contactExists: false, changed: false };
          const had = this.groups.has(command.groupId);
          if (command.change === 'add') this.groups.add(command.groupId);
          else this.groups.delete(command.groupId);
          return { contactExists: true, changed: had !== (command.change === 'add') };
        },
      },
      tags: {
        change: async (command) => {
          await this.log(`${command.change} tag ${command.tag}`, command);
          if (command.change === 'add') this.tags.add(command.tag);
          else this.tags.delete(command.tag);
          return { contactExists: this.exists, changed: true };
        },
      },
      accountTimeZone: async () => 'UTC',
    };
  }

  what(): string[] {
    return this.calls.map((call) => call.what);
  }
}

describe('followUpSequenceWorkflow', () => {
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

  function input(steps: StepDefinition[], extra: Partial<FollowUpSequenceInput> = {}): FollowUpSequenceInput {
    return {
      definitionVersion: FOLLOW_UP_INPUT_VERSION,
      automationVersionId: '44444444-4444-4444-8444-444444444444',
      sequence: { name: 'Greece follow-up', steps },
      contactId: CONTACT,
      entryId: String(++counter),
      startGroupId: START_GROUP,
      ...extra,
    };
  }

  async function withWorker<T>(world: FakeWorld, body: () => Promise<T>): Promise<T> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowsPath,
      activities: createFollowUpActivities(world.deps()),
    });
    return worker.runUntil(body());
  }

  async function start(args: FollowUpSequenceInput): Promise<WorkflowHandleWithFirstExecutionRunId> {
    return env.client.workflow.start(TYPE, {
      taskQueue: AUTOMATION_TASK_QUEUE,
      workflowId: followUpWorkflowId(args.sequence.name, args.contactId, args.entryId),
      args: [args],
    });
  }

  async function statusOf(handle: WorkflowHandle): Promise<FollowUpStatus> {
    return handle.query<FollowUpStatus>(FOLLOW_UP_QUERIES.status);
  }

  /** Polls the query (which does not move the clock) until the workflow sits in its wait. */
  async function untilWaiting(handle: WorkflowHandle, stepIndex: number): Promise<FollowUpStatus> {
    for (;;) {
      const status = await statusOf(handle);
      if (status.state === 'waiting' && status.stepIndex === stepIndex) return status;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const newWorld = () => new FakeWorld(() => env.currentTimeMs());

  it('sends, waits the duration on a durable timer, then sends the next email', async () => {
    const world = newWorld();
    const args = input([
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'wait', seconds: 2 * 86400 },
      { type: 'sendEmail', template: 'greece-offers' },
      { type: 'sendLetter', template: 'greece-brochure' },
    ]);
    const { result, handle } = await withWorker(world, async () => {
      const handle = await start(args);
      return { result: (await handle.result()) as FollowUpResult, handle };
    });
    expect(result).toEqual({ state: 'completed', stopReason: null, lastStepIndex: 4 });
    expect(world.what()).toEqual(['email greece-welcome', 'email greece-offers', 'letter greece-brochure']);
    expect(world.calls[1]!.at - world.calls[0]!.at).toBeGreaterThanOrEqual(2 * 86400 * 1000);
    const keys = world.calls.map((call) => (call.detail as SequenceDeliveryRequest).idempotencyKey);
    expect(keys).toEqual([
      `${handle.workflowId}/step-0`,
      `${handle.workflowId}/step-2`,
      `${handle.workflowId}/step-3`,
    ]);
    expect(world.progress.map((p) => [p.state, p.stepIndex])).toEqual([
      ['waiting', 1],
      ['completed', 4],
    ]);
    await recordHistoryIfAsked(TYPE, 'v1-send-wait-send', handle);
  });

  it('answers the status query with the current step and the next wake-up time', async () => {
    const world = newWorld();
    const args = input([
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'wait', seconds: 3600 },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    await withWorker(world, async () => {
      const handle = await start(args);
      const before = await env.currentTimeMs();
      const waiting = await untilWaiting(handle, 1);
      expect(waiting).toMatchObject({
        sequence: 'Greece follow-up',
        automationVersionId: args.automationVersionId,
        state: 'waiting',
        stepIndex: 1,
        stepType: 'wait',
        stopReason: null,
      });
      const wake = Date.parse(waiting.nextWakeUpAt!);
      expect(wake - before).toBeGreaterThanOrEqual(3600 * 1000 - 1000);
      expect(wake - before).toBeLessThanOrEqual(3600 * 1000 + 5000);
      await handle.result();
      expect(await statusOf(handle)).toMatchObject({ state: 'completed', stepIndex: 3, nextWakeUpAt: null });
    });
  });

  it('waits until Monday 09:00 in the contact zone across the spring-forward change', async () => {
    const world = newWorld();
    // Move the test server's clock to the Saturday before Berlin springs forward (last Sunday of March).
    const now = await env.currentTimeMs();
    const year = new Date(now).getUTCFullYear() + 1;
    const lastSunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
    const target = Date.UTC(year, 2, lastSunday - 1, 12);
    await env.sleep(target - now);
    const monday = new Date(Date.UTC(year, 2, lastSunday + 1, 7)).toISOString();
    const args = input([
      { type: 'waitUntil', weekday: 'monday', time: '09:00', hour: 9, minute: 0, timeZone: 'contact' },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    await withWorker(world, async () => {
      const handle = await start(args);
      const waiting = await untilWaiting(handle, 0);
      // 09:00 CEST (UTC+2, after the change) is 07:00 UTC, not 08:00.
      expect(waiting.nextWakeUpAt).toBe(monday);
      await handle.result();
      await recordHistoryIfAsked(TYPE, 'v1-wait-until-dst', handle);
    });
    expect(world.calls[0]!.at).toBeGreaterThanOrEqual(Date.parse(monday));
  });

  it("uses the account's zone when the contact has none", async () => {
    const world = newWorld();
    world.zone = undefined;
    const args = input([{ type: 'waitUntil', time: '18:30', hour: 18, minute: 30, timeZone: 'contact' }]);
    await withWorker(world, async () => {
      const handle = await start(args);
      const waiting = await untilWaiting(handle, 0);
      expect(waiting.nextWakeUpAt).toMatch(/T18:30:00\.000Z$/);
      await handle.result();
    });
  });

  it('stops at "stop if" when the condition holds on fresh data', async () => {
    const world = newWorld();
    world.tags.add('vip');
    const args = input([
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'stopIf', condition: VIP },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    const result = await withWorker(world, async () => (await start(args)).result());
    expect(result).toEqual({ state: 'stopped', stopReason: 'stopCondition', lastStepIndex: 1 });
    expect(world.what()).toEqual(['email greece-welcome', 'evaluate']);
    expect(world.progress.at(-1)).toMatchObject({ state: 'stopped', stopReason: 'stopCondition' });
  });

  it('goes on past "stop if" when the condition does not hold', async () => {
    const world = newWorld();
    const args = input([
      { type: 'stopIf', condition: VIP },
      { type: 'addTag', tag: 'vip' },
      { type: 'stopIf', condition: VIP },
      { type: 'sendEmail', template: 'never-sent' },
    ]);
    const result = await withWorker(world, async () => {
      const handle = await start(args);
      const result = await handle.result();
      await recordHistoryIfAsked(TYPE, 'v1-stop-if', handle);
      return result;
    });
    // The tag added by step 1 is seen by step 2: the condition is evaluated when the step runs.
    expect(result).toEqual({ state: 'stopped', stopReason: 'stopCondition', lastStepIndex: 2 });
    expect(world.what()).toEqual(['evaluate', 'add tag vip', 'evaluate']);
  });

  it('ends in the middle of a wait on a stop signal and runs no further step', async () => {
    const world = newWorld();
    const args = input([
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'wait', seconds: 7 * 86400 },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    const { result, handle } = await withWorker(world, async () => {
      const handle = await start(args);
      const waiting = await untilWaiting(handle, 1);
      await handle.signal<[FollowUpStopRequest]>(FOLLOW_UP_SIGNALS.stop, { reason: 'trigger' });
      const result = (await handle.result()) as FollowUpResult;
      const closed = (await handle.describe()).closeTime!.getTime();
      expect(closed).toBeLessThan(Date.parse(waiting.nextWakeUpAt!));
      return { result, handle };
    });
    expect(result).toEqual({ state: 'stopped', stopReason: 'trigger', lastStepIndex: 1 });
    expect(world.what()).toEqual(['email greece-welcome']);
    await recordHistoryIfAsked(TYPE, 'v1-stop-signal', handle);
  });

  it('ends when the contact unsubscribes (signal) and skips sends that race the signal', async () => {
    const world = newWorld();
    const args = input([
      { type: 'wait', seconds: 60 },
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'wait', seconds: 60 },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    const result = await withWorker(world, async () => {
      const handle = await start(args);
      await untilWaiting(handle, 0);
      // Unsubscribed before the relay's signal arrives: the send checks consent itself.
      world.unsubscribed = true;
      await env.sleep(61_000);
      await untilWaiting(handle, 2);
      await handle.signal<[FollowUpStopRequest]>(FOLLOW_UP_SIGNALS.stop, { reason: 'unsubscribed' });
      return handle.result();
    });
    expect(result).toEqual({ state: 'stopped', stopReason: 'unsubscribed', lastStepIndex: 2 });
    expect(world.what()).toEqual(['skip email greece-welcome']);
  });

  it('ends when the contact was deleted, noticed by the next step', async () => {
    const world = newWorld();
    const args = input([
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'wait', seconds: 60 },
      { type: 'addToGroup', groupId: OTHER_GROUP, groupPath: ['Interested', 'Greece'] },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    const result = await withWorker(world, async () => {
      const handle = await start(args);
      await untilWaiting(handle, 1);
      world.exists = false;
      return handle.result();
    });
    expect(result).toEqual({ state: 'stopped', stopReason: 'deleted', lastStepIndex: 2 });
    expect(world.what()).toEqual(['email greece-welcome', `add group ${OTHER_GROUP}`]);
  });

  it('ends on a deletion signal without waiting for the timer', async () => {
    const world = newWorld();
    const args = input([
      { type: 'wait', seconds: 30 * 86400 },
      { type: 'sendEmail', template: 'greece-offers' },
    ]);
    const result = await withWorker(world, async () => {
      const handle = await start(args);
      await untilWaiting(handle, 0);
      await handle.signal<[FollowUpStopRequest]>(FOLLOW_UP_SIGNALS.stop, { reason: 'deleted' });
      return handle.result();
    });
    expect(result).toEqual({ state: 'stopped', stopReason: 'deleted', lastStepIndex: 0 });
    expect(world.what()).toEqual([]);
  });

  it('ends on leaving the start group only when the definition says so', async () => {
    const steps: StepDefinition[] = [
      { type: 'wait', seconds: 3600 },
      { type: 'sendEmail', template: 'greece-offers' },
    ];
    const left: FollowUpStopRequest = { reason: 'leftStartGroup', groupIds: [START_GROUP] };
    const elsewhere: FollowUpStopRequest = { reason: 'leftStartGroup', groupIds: [OTHER_GROUP] };

    const exiting = newWorld();
    const exited = await withWorker(exiting, async () => {
      const handle = await start(input(steps, { exitOnLeavingStartGroup: true }));
      await untilWaiting(handle, 0);
      await handle.signal(FOLLOW_UP_SIGNALS.stop, elsewhere);
      expect((await statusOf(handle)).stopReason).toBeNull();
      await handle.signal(FOLLOW_UP_SIGNALS.stop, left);
      return handle.result();
    });
    expect(exited).toMatchObject({ state: 'stopped', stopReason: 'leftStartGroup' });
    expect(exiting.what()).toEqual([]);

    const staying = newWorld();
    const stayed = await withWorker(staying, async () => {
      const handle = await start(input(steps));
      await untilWaiting(handle, 0);
      await handle.signal(FOLLOW_UP_SIGNALS.stop, left);
      return handle.result();
    });
    expect(stayed).toMatchObject({ state: 'completed' });
    expect(staying.what()).toEqual(['email greece-offers']);
  });

  it('adds to and removes from groups and tags with the automation as actor', async () => {
    const world = newWorld();
    const args = input([
      { type: 'addToGroup', groupId: OTHER_GROUP, groupPath: ['Interested', 'Greece'] },
      { type: 'removeFromGroup', groupId: START_GROUP, groupPath: ['Start', 'Greece'] },
      { type: 'addTag', tag: 'greece' },
      { type: 'removeTag', tag: 'greece' },
    ]);
    const handle = await withWorker(world, async () => {
      const handle = await start(args);
      await handle.result();
      return handle;
    });
    expect(world.what()).toEqual([
      `add group ${OTHER_GROUP}`,
      `remove group ${START_GROUP}`,
      'add tag greece',
      'remove tag greece',
    ]);
    expect([...world.groups]).toEqual([OTHER_GROUP]);
    for (const call of world.calls) {
      expect((call.detail as { actor: string }).actor).toBe(`automation:${handle.workflowId}`);
    }
    await recordHistoryIfAsked(TYPE, 'v1-groups-and-tags', handle);
  });

  it('records a permanently rejected email and goes on with the next step', async () => {
    const world = newWorld();
    world.failSend = 'permanent';
    const args = input([
      { type: 'sendEmail', template: 'greece-welcome' },
      { type: 'addTag', tag: 'after' },
    ]);
    const result = await withWorker(world, async () => (await start(args)).result());
    expect(result).toEqual({ state: 'completed', stopReason: null, lastStepIndex: 2 });
    expect(world.what()).toEqual(['fail email greece-welcome', 'add tag after']);
  });

  it('continues as new when the history grows, carrying the step index, and acts on each step once', async () => {
    const world = newWorld();
    const count = STEPS_PER_RUN * 2 + 10;
    const steps: StepDefinition[] = Array.from({ length: count }, (_, i) => ({
      type: 'addTag',
      tag: `t${i}`,
    }));
    steps.push({ type: 'sendEmail', template: 'last' });
    const args = input(steps);
    const { result, continuedAt } = await withWorker(world, async () => {
      const handle = await start(args);
      const result = (await handle.result()) as FollowUpResult;
      // Follow the chain of runs from the first one: each ends by continuing as new.
      const continuedAt: number[] = [];
      let runId: string | undefined = handle.firstExecutionRunId;
      while (runId) {
        const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
        const first = history.events![0]!.workflowExecutionStartedEventAttributes!;
        const resumed =
          env.client.options.loadedDataConverter.payloadConverter.fromPayload<FollowUpSequenceInput>(
            first.input!.payloads![0]!,
          );
        continuedAt.push(resumed.resume?.stepIndex ?? 0);
        runId =
          history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
          undefined;
      }
      return { result, continuedAt };
    });
    expect(result).toEqual({ state: 'completed', stopReason: null, lastStepIndex: count + 1 });
    expect(world.what()).toEqual([...steps.slice(0, count).map((_, i) => `add tag t${i}`), 'email last']);
    expect(continuedAt).toEqual([0, STEPS_PER_RUN, STEPS_PER_RUN * 2]);
    const key = (world.calls.at(-1)!.detail as SequenceDeliveryRequest).idempotencyKey;
    expect(key).toMatch(new RegExp(`/step-${count}$`));
  });

  it('replays every committed history of this workflow without nondeterminism', async () => {
    const histories = await loadHistories(TYPE);
    expect(histories.length).toBeGreaterThan(0);
    for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) {
      expect(result.error).toBeUndefined();
    }
  });
});
