import { Injectable } from '@nestjs/common';
import type { DeliveryOutcome, SequenceDeliveryRequest } from '../deliveries/delivery.js';
import { EmailDeliveryService } from '../deliveries/email-delivery.service.js';
import { LetterDeliveryService } from '../deliveries/letter-delivery.service.js';
import { SelectionQueryService } from '../selections/selection-query.service.js';
import {
  scheduledMailingDeliveryKey,
  type ScheduledMailingPage,
  type ScheduledMailingPageRequest,
} from './workflow-contracts.js';

/** Deliveries of one page in flight at once; the ledger's statements per email, not this, are the limit (bench/automation). */
const DELIVERIES_IN_FLIGHT = 8;

/**
 * The work of a scheduled mailing, one page at a time: who is in the audience now
 * (a saved selection is read as it is when the mailing fires), and one delivery per
 * contact through the ledger, keyed by the firing and the contact, so a page that is
 * retried sends nothing twice. Consent is checked by the ledger at send time.
 */
@Injectable()
export class ScheduledMailingService {
  constructor(
    private readonly selections: SelectionQueryService,
    private readonly email: EmailDeliveryService,
    private readonly letters: LetterDeliveryService,
  ) {}

  async deliverPage(
    request: ScheduledMailingPageRequest,
    onContact: () => void = () => undefined,
  ): Promise<ScheduledMailingPage> {
    const named = request.audience.selection
      ? await this.selections.conditionOfSelectionNamed(request.audience.selection)
      : undefined;
    // A saved selection deleted since activation: the audience as it was checked then.
    const condition = named ?? request.audience.condition;
    const audience = { condition };
    const ids = await this.selections.idsPage(condition, {
      now: new Date(request.asOf),
      after: request.after ?? undefined,
      limit: request.limit,
    });
    const page: ScheduledMailingPage = {
      sent: 0,
      skipped: 0,
      failed: 0,
      next: ids.length < request.limit ? null : ids[ids.length - 1]!,
      audience,
    };
    let nextIndex = 0;
    const deliverNext = async (): Promise<void> => {
      for (let index = nextIndex++; index < ids.length; index = nextIndex++) {
        const outcome = await this.deliver(request, ids[index]!);
        page[outcome.status] += 1;
        onContact();
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELIVERIES_IN_FLIGHT, ids.length) }, deliverNext));
    return page;
  }

  private deliver(request: ScheduledMailingPageRequest, contactId: string): Promise<DeliveryOutcome> {
    const delivery: SequenceDeliveryRequest = {
      idempotencyKey: scheduledMailingDeliveryKey(request.workflowId, contactId),
      workflowId: request.workflowId,
      contactId,
      template: request.template,
      sequence: null,
      stepIndex: null,
      automationVersionId: request.automationVersionId,
    };
    return request.channel === 'email' ? this.email.send(delivery) : this.letters.send(delivery);
  }
}
