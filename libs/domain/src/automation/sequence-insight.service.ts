import { Injectable } from '@nestjs/common';
import type { StepDefinition } from '../../../rules/src/index.js';
import { ContactRepository } from '../contacts/contact.repository.js';
import { Transactions } from '../database/transactions.js';
import { AutomationError, ContactError } from '../errors/domain-error.js';
import { type DeliveryCounts, DeliveryRepository } from '../deliveries/delivery.repository.js';
import { AutomationRepository } from './automation.repository.js';
import type { SequenceEntry, SequenceEntryStatus } from './sequence-entry.js';
import { SequenceEntryRepository } from './sequence-entry.repository.js';

export interface StepStats {
  stepIndex: number;
  /** Null past the last step (entries that finished). */
  stepType: StepDefinition['type'] | null;
  entries: Record<SequenceEntryStatus, number>;
}

export interface SequenceStats {
  sequence: string;
  entries: Record<SequenceEntryStatus, number>;
  /** Where the entries are (running, waiting) or ended (completed, stopped), per step. */
  steps: StepStats[];
  stopReasons: { reason: string; count: number }[];
  deliveries: DeliveryCounts;
}

const none = (): Record<SequenceEntryStatus, number> => ({
  running: 0,
  waiting: 0,
  completed: 0,
  stopped: 0,
});

/** Read models over the entries and deliveries: a contact's sequences and a sequence's stats. */
@Injectable()
export class SequenceInsightService {
  constructor(
    private readonly transactions: Transactions,
    private readonly entries: SequenceEntryRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly automations: AutomationRepository,
    private readonly contacts: ContactRepository,
  ) {}

  /** Open entries first, then the newest. */
  async forContact(contactId: string, limit = 100): Promise<SequenceEntry[]> {
    const db = this.transactions.pool;
    const entries = await this.entries.forContact(db, contactId, limit);
    if (entries.length === 0 && !(await this.contacts.find(db, contactId))) {
      throw new ContactError('CONTACT_NOT_FOUND', `no contact ${contactId}`, { contactId });
    }
    return entries;
  }

  async stats(sequence: string): Promise<SequenceStats> {
    const db = this.transactions.pool;
    const definition = await this.automations.sequenceDefinition(db, sequence);
    if (!definition) {
      throw new AutomationError('SEQUENCE_NOT_FOUND', `no automation defines a sequence "${sequence}"`, {
        sequence,
      });
    }
    const counts = await this.entries.stepCounts(db, sequence);
    const totals = none();
    const steps = new Map<number, StepStats>();
    for (const row of counts) {
      totals[row.status] += row.count;
      let step = steps.get(row.stepIndex);
      if (!step) {
        step = {
          stepIndex: row.stepIndex,
          stepType: definition.steps[row.stepIndex]?.type ?? null,
          entries: none(),
        };
        steps.set(row.stepIndex, step);
      }
      step.entries[row.status] += row.count;
    }
    return {
      sequence,
      entries: totals,
      steps: [...steps.values()].sort((a, b) => a.stepIndex - b.stepIndex),
      stopReasons: await this.entries.stopReasons(db, sequence),
      deliveries: await this.deliveries.countsForSequence(db, sequence),
    };
  }
}
