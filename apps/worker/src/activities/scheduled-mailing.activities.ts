import { ApplicationFailure, Context } from '@temporalio/activity';
import { DomainError } from '../../../../libs/domain/src/index.js';
import type { ScheduledMailingPage, ScheduledMailingPageRequest } from '../../../../libs/domain/src/index.js';

/** What the scheduled mailing activity needs: the domain service bound when the worker starts. */
export interface ScheduledMailingActivityDeps {
  mailings: {
    /** Delivers one page; `onContact` is called after each contact, to heartbeat. */
    deliverPage(request: ScheduledMailingPageRequest, onContact: () => void): Promise<ScheduledMailingPage>;
  };
}

/** Every side effect of a scheduled mailing happens here; the workflow only pages through. */
export function createScheduledMailingActivities(deps: ScheduledMailingActivityDeps) {
  return {
    /**
     * Sends the template to the next page of the audience. Each contact's delivery has
     * its own idempotency key, so a retried page sends nothing twice.
     */
    async deliverScheduledMailingPage(request: ScheduledMailingPageRequest): Promise<ScheduledMailingPage> {
      const heartbeat = inActivity() ? () => Context.current().heartbeat() : () => undefined;
      // No heartbeat before the audience query: its statement timeout (30 s) is within the heartbeat timeout.
      return deps.mailings.deliverPage(request, heartbeat).catch((error: unknown) => {
        // A saved selection that no longer checks (SELECTION_BROKEN) or rule trouble of that kind
        // stays broken however often the page is tried: the firing fails now, saying why.
        if (error instanceof DomainError) throw ApplicationFailure.nonRetryable(error.message, error.code);
        throw error;
      });
    },
  };
}

function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}

export type ScheduledMailingActivities = ReturnType<typeof createScheduledMailingActivities>;
