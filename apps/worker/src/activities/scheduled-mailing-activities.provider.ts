import type { FactoryProvider } from '@nestjs/common';
import { ScheduledMailingService } from '../../../../libs/domain/src/index.js';
import {
  createScheduledMailingActivities,
  type ScheduledMailingActivities,
} from './scheduled-mailing.activities.js';

export const SCHEDULED_MAILING_ACTIVITIES = Symbol('SCHEDULED_MAILING_ACTIVITIES');

/** Binds the scheduled mailing activity to its domain service when the worker starts. */
export const scheduledMailingActivitiesProvider: FactoryProvider<ScheduledMailingActivities> = {
  provide: SCHEDULED_MAILING_ACTIVITIES,
  inject: [ScheduledMailingService],
  useFactory: (mailings: ScheduledMailingService) =>
    createScheduledMailingActivities({
      mailings: { deliverPage: (request, onContact) => mailings.deliverPage(request, onContact) },
    }),
};
