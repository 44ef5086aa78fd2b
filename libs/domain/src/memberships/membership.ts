import type { MembershipSource } from '../events/domain-event.js';

export interface Membership {
  groupId: string;
  /** Names from the root down to the group. */
  groupPath: string[];
  addedAt: Date;
  addedBy: string;
  source: MembershipSource;
}

/** One contact–group pair whose membership changed, with the subtrees entered or left. */
export interface MembershipChange {
  contactId: string;
  groupId: string;
  groupPath: string[];
  /** The group itself and those of its ancestors whose subtree the contact entered or left. */
  subtreesChanged: string[];
}

export interface MembershipPair {
  contactId: string;
  groupId: string;
}
