import { Injectable } from '@nestjs/common';
import type { SequenceDefinition, TriggerDefinition } from '../../../rules/src/index.js';
import type { Db } from '../database/transactions.js';
import type { NewDomainEvent } from '../events/domain-event.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import type { ActiveAutomation } from './automation.js';
import { ConditionRepository } from './condition.repository.js';
import type { AutomationCommand, RelayedEvent } from './relay.repository.js';
import {
  type NewSequenceEntry,
  type OpenEntry,
  SequenceEntryRepository,
} from './sequence-entry.repository.js';
import {
  FOLLOW_UP_INPUT_VERSION,
  followUpWorkflowId,
  type FollowUpStopReason,
} from './workflow-contracts.js';

/** Limits of the loop guard; an automation chain longer or faster than this is stopped and noted. */
export interface LoopGuardLimits {
  /** Entries started by changes an automation made, counted along the chain. */
  maxDepth: number;
  /** Entries of one contact into any sequence within the window. */
  maxEntriesPerWindow: number;
  windowMs: number;
}

export const DEFAULT_LOOP_GUARD: LoopGuardLimits = {
  maxDepth: 8,
  maxEntriesPerWindow: 50,
  windowMs: 3_600_000,
};

export interface RelayPlan {
  entries: NewSequenceEntry[];
  commands: AutomationCommand[];
  /** Timeline events: sequence.started and automation.loop_stopped. */
  timeline: NewDomainEvent[];
}

interface Armed {
  automation: ActiveAutomation;
  trigger: TriggerDefinition;
}

interface Match extends Armed {
  event: RelayedEvent;
}

const AUTOMATION_ACTOR = 'automation:';

/** ASCII-only lower case: tag names are unique ignoring ASCII case. */
function tagKey(tag: string): string {
  return tag.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Decides what a batch of domain events means for the active automations: which
 * sequences to start (re-entry policy, loop guard, `if` conditions on fresh data)
 * and which running entries to stop. Membership events carry `subtreesChanged`,
 * so "added to X" fires only when the contact entered X's subtree, never when it
 * moved between two groups below X.
 */
@Injectable()
export class TriggerPlanner {
  constructor(
    private readonly conditions: ConditionRepository,
    private readonly entries: SequenceEntryRepository,
    private readonly events: DomainEventRepository,
  ) {}

  /** Stores a plan's entries and timeline events (in the relay's transaction). */
  async record(db: Db, plan: RelayPlan): Promise<void> {
    await this.entries.insertMany(db, plan.entries);
    await this.events.append(db, plan.timeline);
  }

  async plan(
    db: Db,
    events: RelayedEvent[],
    automations: ActiveAutomation[],
    options: { loopGuard?: LoopGuardLimits; waitScale?: number } = {},
  ): Promise<RelayPlan> {
    const limits = options.loopGuard ?? DEFAULT_LOOP_GUARD;
    const waitScale = options.waitScale ?? 1;
    const plan: RelayPlan = { entries: [], commands: [], timeline: [] };
    const relevant = events.filter((event) => event.contactId !== null);
    if (relevant.length === 0) return plan;

    const sequences = new Map<string, { automation: ActiveAutomation; sequence: SequenceDefinition }>();
    const entered = new Map<string, Armed[]>();
    const left = new Map<string, Armed[]>();
    const tagged = new Map<string, Armed[]>();
    for (const automation of automations) {
      for (const sequence of automation.definitions.sequences)
        sequences.set(sequence.name, { automation, sequence });
      for (const trigger of automation.definitions.triggers) {
        const armed = { automation, trigger };
        if (trigger.kind === 'groupEntered') push(entered, trigger.groupId, armed);
        else if (trigger.kind === 'groupLeft') push(left, trigger.groupId, armed);
        else push(tagged, tagKey(trigger.tag), armed);
      }
    }

    const matches = this.match(relevant, entered, left, tagged);
    const passing = await this.withConditions(db, matches);
    const byEvent = new Map<RelayedEvent, Match[]>();
    for (const match of matches) if (passing.has(match)) push(byEvent, match.event, match);
    const planned = new Set<string>();

    const contactIds = [...new Set(relevant.map((event) => event.contactId!))];
    const open = new Map<string, OpenEntry[]>();
    for (const entry of await this.entries.open(db, contactIds)) push(open, entry.contactId, entry);
    const starts = matches
      .filter((match) => passing.has(match))
      .filter((match) => match.trigger.action.type === 'startSequence');
    const pairs = starts.map((match) => ({
      sequence: match.trigger.action.sequence,
      contactId: match.event.contactId!,
    }));
    const history = new Map(
      (await this.entries.history(db, pairs)).map((row) => [`${row.sequence}\n${row.contactId}`, row]),
    );
    const parents = starts
      .map((match) => match.event.actor)
      .filter((actor) => actor.startsWith(AUTOMATION_ACTOR))
      .map((actor) => actor.slice(AUTOMATION_ACTOR.length));
    const depths = await this.entries.depths(db, [...new Set(parents)]);
    const oldest = Math.min(...relevant.map((event) => event.occurredAt.getTime()));
    const recent = await this.entries.recentCounts(db, contactIds, new Date(oldest - limits.windowMs));
    const signalled = new Set<string>();
    const noted = new Set<string>();

    const stop = (entry: OpenEntry, reason: FollowUpStopReason, groupIds?: string[]) => {
      const key = `${entry.workflowId}\n${reason}`;
      if (signalled.has(key)) return;
      signalled.add(key);
      plan.commands.push({
        kind: 'signal',
        workflowId: entry.workflowId,
        payload: groupIds ? { reason, groupIds } : { reason },
      });
    };

    for (const event of relevant) {
      const contactId = event.contactId!;
      let openEntries = open.get(contactId);
      if (!openEntries) open.set(contactId, (openEntries = []));
      if (event.type === 'contact.deleted') {
        for (const entry of openEntries) stop(entry, 'deleted');
      } else if (event.type === 'contact.updated') {
        const consent = (event.payload.changes as Record<string, { to?: unknown }> | undefined)?.consent;
        if (consent?.to === 'unsubscribed') for (const entry of openEntries) stop(entry, 'unsubscribed');
      } else if (event.type === 'contact.removed_from_group') {
        const subtrees = stringList(event.payload.subtreesChanged);
        for (const entry of openEntries) {
          if (entry.exitOnLeavingStartGroup && entry.startGroupId && subtrees.includes(entry.startGroupId)) {
            stop(entry, 'leftStartGroup', subtrees);
          }
        }
      }

      for (const match of byEvent.get(event) ?? []) {
        const { action } = match.trigger;
        if (action.type === 'stopSequence') {
          for (const entry of openEntries) if (entry.sequence === action.sequence) stop(entry, 'trigger');
          continue;
        }
        const owner = sequences.get(action.sequence);
        if (!owner) continue;
        const key = `${action.sequence}\n${contactId}`;
        const previous = history.get(key);
        const reentry = match.trigger.reentry ?? { policy: 'once' };
        if (previous && reentry.policy === 'once') continue;
        if (
          previous &&
          reentry.policy === 'oncePerDays' &&
          event.occurredAt.getTime() - new Date(previous.lastEnteredAt).getTime() < reentry.days * 86_400_000
        ) {
          continue;
        }

        const parent = event.actor.startsWith(AUTOMATION_ACTOR)
          ? (depths.get(event.actor.slice(AUTOMATION_ACTOR.length)) ?? 0)
          : 0;
        const depth = parent + 1;
        const entriesInWindow = recent.get(contactId) ?? 0;
        const overDepth = depth > limits.maxDepth;
        if (overDepth || entriesInWindow >= limits.maxEntriesPerWindow) {
          if (!noted.has(key)) {
            noted.add(key);
            plan.timeline.push({
              type: 'automation.loop_stopped',
              contactId,
              actor: 'automation',
              payload: {
                sequence: action.sequence,
                automation: match.automation.name,
                reason: overDepth ? 'depth' : 'rate',
                depth,
                limit: overDepth ? limits.maxDepth : limits.maxEntriesPerWindow,
                ...(overDepth ? {} : { windowSeconds: limits.windowMs / 1000 }),
                triggeredBy: event.actor,
              },
            });
          }
          continue;
        }

        const workflowId = followUpWorkflowId(action.sequence, contactId, event.seq);
        if (planned.has(workflowId)) continue;
        planned.add(workflowId);
        const startGroupId = match.trigger.kind === 'tagAdded' ? null : match.trigger.groupId;
        const exitOnLeavingStartGroup = startGroupId !== null && match.automation.exitOnLeavingStartGroup;
        const entry: NewSequenceEntry = {
          workflowId,
          sequence: action.sequence,
          contactId,
          automationVersionId: owner.automation.versionId,
          triggerEventSeq: event.seq,
          depth,
          startGroupId,
          exitOnLeavingStartGroup,
        };
        plan.entries.push(entry);
        plan.commands.push({
          kind: 'start',
          workflowId,
          payload: {
            definitionVersion: FOLLOW_UP_INPUT_VERSION,
            automationVersionId: owner.automation.versionId,
            sequence: owner.sequence,
            contactId,
            entryId: event.seq,
            ...(startGroupId ? { startGroupId } : {}),
            ...(exitOnLeavingStartGroup ? { exitOnLeavingStartGroup } : {}),
            ...(waitScale !== 1 ? { waitScale } : {}),
          },
        });
        plan.timeline.push({
          type: 'sequence.started',
          contactId,
          actor: `automation:${workflowId}`,
          payload: {
            sequence: action.sequence,
            workflowId,
            automation: owner.automation.name,
            automationVersion: owner.automation.version,
            trigger: match.trigger.kind,
            triggerEventSeq: event.seq,
            depth,
          },
        });
        history.set(key, {
          sequence: action.sequence,
          contactId,
          count: (previous?.count ?? 0) + 1,
          lastEnteredAt: event.occurredAt,
        });
        recent.set(contactId, entriesInWindow + 1);
        openEntries.push({
          workflowId,
          sequence: action.sequence,
          contactId,
          startGroupId,
          exitOnLeavingStartGroup,
        });
      }
    }
    return plan;
  }

  private match(
    events: RelayedEvent[],
    entered: Map<string, Armed[]>,
    left: Map<string, Armed[]>,
    tagged: Map<string, Armed[]>,
  ): Match[] {
    const matches: Match[] = [];
    for (const event of events) {
      let armed: Armed[] = [];
      if (event.type === 'contact.added_to_group' || event.type === 'contact.removed_from_group') {
        const index = event.type === 'contact.added_to_group' ? entered : left;
        armed = stringList(event.payload.subtreesChanged).flatMap((groupId) => index.get(groupId) ?? []);
      } else if (event.type === 'contact.tagged' && typeof event.payload.tag === 'string') {
        armed = tagged.get(tagKey(event.payload.tag)) ?? [];
      }
      for (const one of armed) matches.push({ ...one, event });
    }
    return matches;
  }

  /** Drops matches whose trigger condition the contact does not meet now; one query per trigger. */
  private async withConditions(db: Db, matches: Match[]): Promise<Set<Match>> {
    const passing = new Set<Match>();
    const byTrigger = new Map<TriggerDefinition, Match[]>();
    for (const match of matches) {
      if (!match.trigger.condition) passing.add(match);
      else push(byTrigger, match.trigger, match);
    }
    for (const [trigger, list] of byTrigger) {
      const ids = [...new Set(list.map((match) => match.event.contactId!))];
      const ok = await this.conditions.matching(db, ids, trigger.condition!);
      for (const match of list) if (ok.has(match.event.contactId!)) passing.add(match);
    }
    return passing;
  }
}
