import { continueAsNew, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  SCHEDULED_MAILING_QUERIES,
  type ScheduledMailingInput,
  type ScheduledMailingProgress,
} from '../../../../libs/domain/src/automation/workflow-contracts.js';
import type { ScheduledMailingActivities } from '../activities/scheduled-mailing.activities.js';

export const progressQuery = defineQuery<ScheduledMailingProgress>(SCHEDULED_MAILING_QUERIES.progress);

/** Contacts per activity call: small enough that a retried page repeats little work. */
export const CONTACTS_PER_PAGE = 100;
/** Pages per run before the history is cut with continue-as-new (the server may ask earlier). */
export const PAGES_PER_RUN = 200;

// A page retries with backoff for more than half a day: transient SMTP or database
// trouble delays the mailing, and every delivery in it is idempotent, so a repeat
// sends nothing twice. (A missing template is no page failure: each contact's
// delivery records it as failed.) After that the firing fails, and the schedule's
// next firing is not held back by it. The heartbeat timeout notices a dead worker
// long before the page's own timeout.
const { deliverScheduledMailingPage } = proxyActivities<ScheduledMailingActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 200,
  },
});

/**
 * One firing of a scheduled mailing (`every monday at 09:00 send email "x" to …`),
 * started by its Temporal schedule: pages through the audience in id order, as of
 * the moment it started (a saved selection as the first page read it), and sends
 * the template to each contact once. Temporal names a firing's workflow after its
 * schedule and the second it fired, so two firings in the same second (a manual
 * one on top of the scheduled one) are one mailing: the deliveries' idempotency
 * keys are the same.
 */
export async function scheduledMailingWorkflow(
  input: ScheduledMailingInput,
): Promise<ScheduledMailingProgress> {
  const { workflowId } = workflowInfo();
  const asOf = input.resume?.asOf ?? new Date().toISOString();
  const progress: ScheduledMailingProgress = {
    ...(input.resume?.progress ?? { sent: 0, skipped: 0, failed: 0 }),
  };
  setHandler(progressQuery, () => ({ ...progress }));
  let after: string | null = input.resume?.after ?? null;
  let audience = input.resume?.audience ?? input.audience;
  for (let page = 1; ; page++) {
    const done = await deliverScheduledMailingPage({
      workflowId,
      automationVersionId: input.automationVersionId,
      automationName: input.automationName,
      scheduleIndex: input.scheduleIndex,
      channel: input.channel,
      template: input.template,
      audience,
      asOf,
      after,
      limit: CONTACTS_PER_PAGE,
    });
    progress.sent += done.sent;
    progress.skipped += done.skipped;
    progress.failed += done.failed;
    audience = done.audience;
    if (done.next === null) return progress;
    after = done.next;
    if (page >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof scheduledMailingWorkflow>({
        ...input,
        resume: { asOf, after, progress, run: (input.resume?.run ?? 0) + 1, audience },
      });
    }
  }
}
