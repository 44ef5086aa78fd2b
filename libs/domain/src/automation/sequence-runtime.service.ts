import { Injectable } from '@nestjs/common';
import type { CheckedCondition } from '../../../rules/src/index.js';
import { ContactRepository } from '../contacts/contact.repository.js';
import { Transactions } from '../database/transactions.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { ConditionRepository } from './condition.repository.js';
import type { FollowUpProgress } from './sequence-entry.js';
import { SequenceEntryRepository } from './sequence-entry.repository.js';
import { isValidTimeZone } from './wall-clock.js';

/** What a running follow-up reads and reports: conditions on fresh data, time zones, progress. */
@Injectable()
export class SequenceRuntimeService {
  constructor(
    private readonly transactions: Transactions,
    private readonly conditions: ConditionRepository,
    private readonly entries: SequenceEntryRepository,
    private readonly contacts: ContactRepository,
    private readonly events: DomainEventRepository,
  ) {}

  async evaluate(
    contactId: string,
    condition: CheckedCondition,
  ): Promise<{ contactExists: boolean; matches: boolean }> {
    const db = this.transactions.pool;
    const matches = await this.conditions.matching(db, [contactId], condition);
    if (matches.has(contactId)) return { contactExists: true, matches: true };
    return { contactExists: (await this.contacts.find(db, contactId)) !== undefined, matches: false };
  }

  /** The contact's valid zone; undefined when it has none, null when the contact is gone. */
  async contactTimeZone(contactId: string): Promise<string | undefined | null> {
    const contact = await this.contacts.find(this.transactions.pool, contactId);
    if (!contact) return null;
    return contact.timeZone && isValidTimeZone(contact.timeZone) ? contact.timeZone : undefined;
  }

  /** Stores the step a follow-up is at; its ending also goes into the contact's timeline, once. */
  async recordProgress(progress: FollowUpProgress): Promise<void> {
    await this.transactions.run(async (db) => {
      const { ended, entry } = await this.entries.recordProgress(db, progress);
      if (!ended || !entry) return;
      const contactExists = (await this.contacts.find(db, entry.contactId)) !== undefined;
      if (!contactExists) return;
      await this.events.append(db, [
        {
          type: 'sequence.ended',
          contactId: entry.contactId,
          actor: `automation:${entry.workflowId}`,
          payload: {
            sequence: entry.sequence,
            workflowId: entry.workflowId,
            state: progress.state,
            stopReason: progress.stopReason,
            stepIndex: progress.stepIndex,
          },
        },
      ]);
    });
  }
}
