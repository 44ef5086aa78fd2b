import { Injectable } from '@nestjs/common';
import { ContactError, GroupTreeError } from '../errors/domain-error.js';
import { MembershipService } from '../memberships/membership.service.js';
import { TagService } from '../tags/tag.service.js';

export interface SequenceChange {
  contactId: string;
  change: 'add' | 'remove';
  /** `automation:<workflow id>`: the relay follows it back to the entry (loop guard). */
  actor: string;
}

export interface SequenceChangeResult {
  contactExists: boolean;
  changed: boolean;
}

/**
 * Group and tag steps go through the same domain services as every other change,
 * with source `automation`, so their events land in the outbox and can trigger
 * further automations.
 */
@Injectable()
export class SequenceActionsService {
  constructor(
    private readonly memberships: MembershipService,
    private readonly tags: TagService,
  ) {}

  async changeMembership(command: SequenceChange & { groupId: string }): Promise<SequenceChangeResult> {
    const membership = { contactId: command.contactId, groupId: command.groupId, actor: command.actor };
    try {
      const changed =
        command.change === 'add'
          ? await this.memberships.add({ ...membership, source: 'automation' })
          : await this.memberships.remove({ ...membership, source: 'automation' });
      return { contactExists: true, changed };
    } catch (error) {
      if (error instanceof ContactError && error.code === 'CONTACT_NOT_FOUND') {
        return { contactExists: false, changed: false };
      }
      // A group deleted after the automation was activated: the step has nothing to do.
      if (error instanceof GroupTreeError && error.code === 'GROUP_NOT_FOUND') {
        return { contactExists: true, changed: false };
      }
      throw error;
    }
  }

  async changeTag(command: SequenceChange & { tag: string }): Promise<SequenceChangeResult> {
    const tagging = { contactId: command.contactId, name: command.tag, actor: command.actor };
    try {
      const changed =
        command.change === 'add' ? await this.tags.tag(tagging) : await this.tags.untag(tagging);
      return { contactExists: true, changed };
    } catch (error) {
      if (error instanceof ContactError && error.code === 'CONTACT_NOT_FOUND') {
        return { contactExists: false, changed: false };
      }
      throw error;
    }
  }
}
