import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { StepDefinition } from '../../../../libs/rules/src/index.js';
import {
  FOLLOW_UP_QUERIES,
  FOLLOW_UP_SIGNALS,
  followUpActor,
  type FollowUpResult,
  type FollowUpSequenceInput,
  type FollowUpState,
  type FollowUpStatus,
  type FollowUpStopReason,
  type FollowUpStopRequest,
} from '../../../../libs/domain/src/automation/workflow-contracts.js';
import type { FollowUpActivities } from '../activities/follow-up.activities.js';

export const stopSignal = defineSignal<[FollowUpStopRequest]>(FOLLOW_UP_SIGNALS.stop);
export const statusQuery = defineQuery<FollowUpStatus>(FOLLOW_UP_QUERIES.status);

/** Steps per run before the history is cut with continue-as-new (the server may ask earlier). */
export const STEPS_PER_RUN = 100;

// Sends retry transient SMTP trouble with backoff for more than a day; a permanent
// rejection is a non-retryable failure that the workflow records and moves past.
// The timeouts also bound how long a step waits after its worker died mid-activity.
const delivery = proxyActivities<Pick<FollowUpActivities, 'sendSequenceEmail' | 'sendSequenceLetter'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 200,
  },
});

// Database work retries until it succeeds: a down database delays the sequence, never skips a step.
const data = proxyActivities<Omit<FollowUpActivities, 'sendSequenceEmail' | 'sendSequenceLetter'>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

type StopReason = FollowUpStopReason | 'stopCondition';

/**
 * Interprets one versioned sequence definition for one contact (STYLE.md §12):
 * every side effect is an activity with an idempotency key made here from the
 * entry's workflow id and the step index, so a retried or replayed step never
 * acts twice. A stop signal ends it before its next step, also in the middle of a wait.
 */
export async function followUpSequenceWorkflow(input: FollowUpSequenceInput): Promise<FollowUpResult> {
  const { workflowId } = workflowInfo();
  const steps = input.sequence.steps;
  const actor = followUpActor(workflowId);
  let stepIndex = input.resume?.stepIndex ?? 0;
  let state: FollowUpState = 'running';
  let nextWakeUpAt: string | null = null;
  let stopReason: StopReason | null = null;

  setHandler(stopSignal, (request) => {
    if (stopReason !== null) return;
    if (request.reason === 'leftStartGroup') {
      const left = request.groupIds ?? [];
      if (!input.exitOnLeavingStartGroup || !input.startGroupId || !left.includes(input.startGroupId)) return;
    }
    stopReason = request.reason;
  });
  setHandler(statusQuery, () => ({
    sequence: input.sequence.name,
    automationVersionId: input.automationVersionId,
    state,
    stepIndex,
    stepType: steps[stepIndex]?.type ?? null,
    nextWakeUpAt,
    stopReason,
  }));

  const finish = async (final: 'completed' | 'stopped'): Promise<FollowUpResult> => {
    state = final;
    nextWakeUpAt = null;
    await data.recordEntryProgress({ workflowId, stepIndex, state: final, nextWakeUpAt: null, stopReason });
    return { state: final, stopReason, lastStepIndex: stepIndex };
  };

  /** Sleeps until the moment or a stop signal; true when it slept the whole way. */
  const waitUntil = async (wakeAt: number): Promise<boolean> => {
    const now = Date.now();
    state = 'waiting';
    nextWakeUpAt = new Date(Math.max(wakeAt, now)).toISOString();
    await data.recordEntryProgress({ workflowId, stepIndex, state, nextWakeUpAt, stopReason: null });
    const stopped =
      wakeAt > now ? await condition(() => stopReason !== null, wakeAt - now) : stopReason !== null;
    state = 'running';
    nextWakeUpAt = null;
    return !stopped;
  };

  /** Runs one step; returns a reason when the sequence must end here. */
  const run = async (step: StepDefinition, index: number): Promise<StopReason | null> => {
    const idempotencyKey = `${workflowId}/step-${index}`;
    switch (step.type) {
      case 'sendEmail':
      case 'sendLetter': {
        const request = {
          idempotencyKey,
          workflowId,
          contactId: input.contactId,
          template: step.template,
          sequence: input.sequence.name,
          stepIndex: index,
          automationVersionId: input.automationVersionId,
        };
        try {
          const outcome =
            step.type === 'sendEmail'
              ? await delivery.sendSequenceEmail(request)
              : await delivery.sendSequenceLetter(request);
          return outcome.status === 'skipped' && outcome.reason === 'contactDeleted' ? 'deleted' : null;
        } catch (error) {
          // Recorded as failed by the activity; the sequence goes on with its next step.
          if (error instanceof ActivityFailure) return null;
          throw error;
        }
      }
      case 'wait':
        return (await waitUntil(Date.now() + (step.seconds * 1000) / (input.waitScale ?? 1)))
          ? null
          : stopReason;
      case 'waitUntil': {
        const plan = await data.planWakeUp({
          contactId: input.contactId,
          after: new Date(Date.now()).toISOString(),
          hour: step.hour,
          minute: step.minute,
          ...(step.weekday ? { weekday: step.weekday } : {}),
        });
        return (await waitUntil(Date.parse(plan.wakeAt))) ? null : stopReason;
      }
      case 'stopIf': {
        const result = await data.evaluateStopCondition({
          contactId: input.contactId,
          condition: step.condition,
        });
        if (!result.contactExists) return 'deleted';
        return result.matches ? 'stopCondition' : null;
      }
      case 'addToGroup':
      case 'removeFromGroup': {
        const result = await data.changeGroupMembership({
          contactId: input.contactId,
          groupId: step.groupId,
          change: step.type === 'addToGroup' ? 'add' : 'remove',
          actor,
        });
        return result.contactExists ? null : 'deleted';
      }
      case 'addTag':
      case 'removeTag': {
        const result = await data.changeTag({
          contactId: input.contactId,
          tag: step.tag,
          change: step.type === 'addTag' ? 'add' : 'remove',
          actor,
        });
        return result.contactExists ? null : 'deleted';
      }
      default:
        throw ApplicationFailure.nonRetryable(
          `unknown step type ${(step as { type: string }).type}`,
          'UnknownStep',
        );
    }
  };

  let stepsThisRun = 0;
  while (stepIndex < steps.length) {
    if (stopReason !== null) return finish('stopped');
    if (stepsThisRun >= STEPS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof followUpSequenceWorkflow>({
        ...input,
        resume: { stepIndex, run: (input.resume?.run ?? 0) + 1 },
      });
    }
    const ended = await run(steps[stepIndex]!, stepIndex);
    if (ended !== null) {
      stopReason ??= ended;
      return finish('stopped');
    }
    stepIndex += 1;
    stepsThisRun += 1;
  }
  return stopReason !== null ? finish('stopped') : finish('completed');
}
