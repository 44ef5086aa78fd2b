import { ApplicationFailure } from '@temporalio/activity';
import type { CheckedCondition } from '../../../../libs/rules/src/index.js';
import type {
  DeliveryOutcome,
  FollowUpProgress,
  SequenceDeliveryRequest,
} from '../../../../libs/domain/src/index.js';
import { nextWallClockTime, type Weekday } from '../../../../libs/domain/src/index.js';

/** What the follow-up activities need; each is a domain service bound when the worker starts. */
export interface FollowUpActivityDeps {
  deliveries: {
    sendEmail(request: SequenceDeliveryRequest): Promise<DeliveryOutcome>;
    sendLetter(request: SequenceDeliveryRequest): Promise<DeliveryOutcome>;
  };
  runtime: {
    /** Whether the contact matches the condition on current data; contactExists false when erased. */
    evaluate(
      contactId: string,
      condition: CheckedCondition,
    ): Promise<{ contactExists: boolean; matches: boolean }>;
    /** The contact's time zone; undefined when unset, null when the contact is gone. */
    contactTimeZone(contactId: string): Promise<string | undefined | null>;
    recordProgress(progress: FollowUpProgress): Promise<void>;
  };
  /** The membership service with source `automation`, so changes reach the outbox. */
  memberships: {
    change(command: {
      contactId: string;
      groupId: string;
      change: 'add' | 'remove';
      actor: string;
    }): Promise<{ contactExists: boolean; changed: boolean }>;
  };
  tags: {
    change(command: {
      contactId: string;
      tag: string;
      change: 'add' | 'remove';
      actor: string;
    }): Promise<{ contactExists: boolean; changed: boolean }>;
  };
  /** The account's zone, for contacts without one. */
  accountTimeZone(): Promise<string>;
}

export interface PlanWakeUpRequest {
  contactId: string;
  /** The workflow's own clock, so the plan does not depend on when the activity runs. */
  after: string;
  weekday?: Weekday;
  hour: number;
  minute: number;
}

function final(outcome: DeliveryOutcome): DeliveryOutcome {
  if (outcome.status === 'failed') {
    throw ApplicationFailure.nonRetryable(outcome.error ?? 'delivery failed', 'DeliveryFailed', outcome);
  }
  return outcome;
}

/**
 * Activity factory (temporalio/samples-typescript activities-dependency-injection).
 * Every side effect of a follow-up sequence happens here; the workflow only decides.
 */
export function createFollowUpActivities(deps: FollowUpActivityDeps) {
  return {
    /** A permanent failure (5xx, a missing template) is recorded and then raised as non-retryable. */
    async sendSequenceEmail(request: SequenceDeliveryRequest): Promise<DeliveryOutcome> {
      return final(await deps.deliveries.sendEmail(request));
    },

    async sendSequenceLetter(request: SequenceDeliveryRequest): Promise<DeliveryOutcome> {
      return final(await deps.deliveries.sendLetter(request));
    },

    evaluateStopCondition(request: {
      contactId: string;
      condition: CheckedCondition;
    }): Promise<{ contactExists: boolean; matches: boolean }> {
      return deps.runtime.evaluate(request.contactId, request.condition);
    },

    changeGroupMembership(request: {
      contactId: string;
      groupId: string;
      change: 'add' | 'remove';
      actor: string;
    }): Promise<{ contactExists: boolean; changed: boolean }> {
      return deps.memberships.change(request);
    },

    changeTag(request: {
      contactId: string;
      tag: string;
      change: 'add' | 'remove';
      actor: string;
    }): Promise<{ contactExists: boolean; changed: boolean }> {
      return deps.tags.change(request);
    },

    /** The next such moment in the contact's zone, else the account's. */
    async planWakeUp(request: PlanWakeUpRequest): Promise<{ wakeAt: string; timeZone: string }> {
      const contactZone = await deps.runtime.contactTimeZone(request.contactId);
      const timeZone = contactZone ?? (await deps.accountTimeZone());
      let wakeAt: Date;
      try {
        wakeAt = nextWallClockTime(
          new Date(request.after),
          timeZone,
          request.hour,
          request.minute,
          request.weekday,
        );
      } catch (error) {
        throw ApplicationFailure.nonRetryable(
          `cannot plan a wake-up in ${timeZone}: ${String(error)}`,
          'TimeZone',
        );
      }
      return { wakeAt: wakeAt.toISOString(), timeZone };
    },

    recordEntryProgress(progress: FollowUpProgress): Promise<void> {
      return deps.runtime.recordProgress(progress);
    },
  };
}

export type FollowUpActivities = ReturnType<typeof createFollowUpActivities>;
