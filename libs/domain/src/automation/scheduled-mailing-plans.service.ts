import { Injectable } from '@nestjs/common';
import type { WeekdayName } from '../../../rules/src/index.js';
import { Transactions } from '../database/transactions.js';
import { RenderDataRepository } from '../templates/render-data.repository.js';
import { isValidTimeZone } from './wall-clock.js';
import { AutomationRepository } from './automation.repository.js';
import {
  SCHEDULED_MAILING_INPUT_VERSION,
  type ScheduledMailingInput,
  scheduledMailingScheduleId,
} from './workflow-contracts.js';

/** One `every … send …` statement of an active automation version, as it is to be scheduled. */
export interface ScheduledMailingPlan {
  automationId: string;
  scheduleId: string;
  /** null: every day. */
  weekday: WeekdayName | null;
  hour: number;
  minute: number;
  /** The statement's zone, else the account's (UTC when it has none). */
  timeZone: string;
  input: ScheduledMailingInput;
}

/**
 * What the active automation versions schedule. The worker makes Temporal match it;
 * the API shows it beside what Temporal reports.
 */
@Injectable()
export class ScheduledMailingPlans {
  constructor(
    private readonly transactions: Transactions,
    private readonly automations: AutomationRepository,
    private readonly renderData: RenderDataRepository,
  ) {}

  async active(automationId?: string): Promise<ScheduledMailingPlan[]> {
    const db = this.transactions.pool;
    const active = (await this.automations.active(db)).filter(
      (automation) => automationId === undefined || automation.automationId === automationId,
    );
    if (!active.some((automation) => automation.definitions.schedules.length > 0)) return [];
    const configured = (await this.renderData.senderProfile(db)).timeZone;
    const accountZone = configured && isValidTimeZone(configured) ? configured : 'UTC';
    return active.flatMap((automation) =>
      automation.definitions.schedules.map((schedule, index) => {
        const timeZone = schedule.timeZone ?? accountZone;
        return {
          automationId: automation.automationId,
          scheduleId: scheduledMailingScheduleId(automation.versionId, index, timeZone),
          weekday: schedule.weekday,
          hour: schedule.hour,
          minute: schedule.minute,
          timeZone,
          input: {
            definitionVersion: SCHEDULED_MAILING_INPUT_VERSION,
            automationVersionId: automation.versionId,
            automationName: automation.name,
            scheduleIndex: index,
            channel: schedule.action.type === 'sendEmail' ? 'email' : 'letter',
            template: schedule.action.template,
            audience: schedule.action.audience,
          },
        };
      }),
    );
  }
}
