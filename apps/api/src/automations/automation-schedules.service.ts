import { Injectable } from '@nestjs/common';
import { type ScheduleDescription, ScheduleNotFoundError } from '@temporalio/client';
import {
  AutomationService,
  type ScheduledMailingPlan,
  ScheduledMailingPlans,
} from '../../../../libs/domain/src/index.js';
import { TemporalClientProvider } from '../temporal/temporal-client.provider.js';

/** How long Temporal gets to describe a schedule before the plan is shown without it. */
const DESCRIBE_TIMEOUT_MS = 2_000;
const NEXT_RUNS = 3;

export interface ScheduledMailingView {
  plan: ScheduledMailingPlan;
  /** scheduled: Temporal has it; pending: the worker has not created it yet; unknown: Temporal did not answer. */
  state: 'scheduled' | 'pending' | 'unknown';
  nextRunsAt: Date[];
  recentFirings: { workflowId: string; firedAt: Date; temporalUiUrl: string | null }[];
  temporalUiUrl: string | null;
}

/**
 * An automation's scheduled mailings: what its active version schedules, and what
 * Temporal reports of each schedule (next firings, recent ones, links into its UI).
 */
@Injectable()
export class AutomationSchedulesService {
  constructor(
    private readonly automations: AutomationService,
    private readonly plans: ScheduledMailingPlans,
    private readonly temporal: TemporalClientProvider,
  ) {}

  async forAutomation(automationId: string): Promise<ScheduledMailingView[]> {
    // AUTOMATION_NOT_FOUND for an unknown id; an inactive one simply schedules nothing.
    await this.automations.get(automationId);
    const plans = await this.plans.active(automationId);
    return Promise.all(plans.map((plan) => this.view(plan)));
  }

  private async view(plan: ScheduledMailingPlan): Promise<ScheduledMailingView> {
    const description = await this.describe(plan.scheduleId);
    const base: ScheduledMailingView = {
      plan,
      state: description === 'missing' ? 'pending' : description ? 'scheduled' : 'unknown',
      nextRunsAt: [],
      recentFirings: [],
      temporalUiUrl: this.link('schedules', plan.scheduleId),
    };
    if (!description || description === 'missing') return base;
    return {
      ...base,
      nextRunsAt: description.info.nextActionTimes.slice(0, NEXT_RUNS),
      recentFirings: description.info.recentActions
        .map((action) => ({
          workflowId: action.action.workflow.workflowId,
          firedAt: action.takenAt,
          temporalUiUrl: this.link('workflows', action.action.workflow.workflowId),
        }))
        .reverse(),
    };
  }

  private async describe(scheduleId: string): Promise<ScheduleDescription | 'missing' | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const client = await this.temporal.client();
      const timeout = new Promise<undefined>(
        (resolve) => (timer = setTimeout(() => resolve(undefined), DESCRIBE_TIMEOUT_MS)),
      );
      return await Promise.race([client.schedule.getHandle(scheduleId).describe(), timeout]);
    } catch (error) {
      return error instanceof ScheduleNotFoundError ? 'missing' : undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private link(kind: 'schedules' | 'workflows', id: string): string | null {
    const base = this.temporal.uiUrl?.replace(/\/+$/, '');
    if (!base) return null;
    return `${base}/namespaces/${encodeURIComponent(this.temporal.namespace)}/${kind}/${encodeURIComponent(id)}`;
  }
}
