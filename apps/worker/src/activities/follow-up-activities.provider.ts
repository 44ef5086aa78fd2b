import type { FactoryProvider } from '@nestjs/common';
import {
  EmailDeliveryService,
  LetterDeliveryService,
  RenderDataService,
  SequenceActionsService,
  SequenceRuntimeService,
} from '../../../../libs/domain/src/index.js';
import { isValidTimeZone } from '../../../../libs/domain/src/index.js';
import { createFollowUpActivities, type FollowUpActivities } from './follow-up.activities.js';

export const FOLLOW_UP_ACTIVITIES = Symbol('FOLLOW_UP_ACTIVITIES');

const ACCOUNT_ZONE_TTL_MS = 60_000;

/** Binds the follow-up activity factory to the domain services when the worker starts. */
export const followUpActivitiesProvider: FactoryProvider<FollowUpActivities> = {
  provide: FOLLOW_UP_ACTIVITIES,
  inject: [
    EmailDeliveryService,
    LetterDeliveryService,
    SequenceRuntimeService,
    SequenceActionsService,
    RenderDataService,
  ],
  useFactory: (
    email: EmailDeliveryService,
    letters: LetterDeliveryService,
    runtime: SequenceRuntimeService,
    actions: SequenceActionsService,
    renderData: RenderDataService,
  ) => {
    let accountZone: { zone: string; until: number } | undefined;
    return createFollowUpActivities({
      deliveries: {
        sendEmail: (request) => email.send(request),
        sendLetter: (request) => letters.send(request),
      },
      runtime: {
        evaluate: (contactId, condition) => runtime.evaluate(contactId, condition),
        contactTimeZone: (contactId) => runtime.contactTimeZone(contactId),
        recordProgress: (progress) => runtime.recordProgress(progress),
      },
      memberships: { change: (command) => actions.changeMembership(command) },
      tags: { change: (command) => actions.changeTag(command) },
      accountTimeZone: async () => {
        if (accountZone && accountZone.until > Date.now()) return accountZone.zone;
        const configured = (await renderData.senderProfile()).timeZone;
        const zone = configured && isValidTimeZone(configured) ? configured : 'UTC';
        accountZone = { zone, until: Date.now() + ACCOUNT_ZONE_TTL_MS };
        return zone;
      },
    });
  },
};
