export const DOMAIN_EVENT_TYPES = [
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.added_to_group',
  'contact.removed_from_group',
  'contact.tagged',
  'contact.untagged',
  'contact.added_to_segment',
  'contact.removed_from_segment',
  // Written by the automation engine (deliveries, sequence entries, the loop guard).
  'delivery.sent',
  'delivery.failed',
  'delivery.skipped',
  'sequence.started',
  'sequence.ended',
  'automation.loop_stopped',
] as const;

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** How a membership came about; stored with it and carried in its events. */
export type MembershipSource = 'api' | 'import' | 'form' | 'automation';

export interface NewDomainEvent {
  type: DomainEventType;
  contactId: string | null;
  /** Who made the change: an API key name, `import`, `form:<id>` or `automation:<id>`. */
  actor: string;
  payload: Record<string, unknown>;
}

export interface DomainEvent extends NewDomainEvent {
  seq: string;
  occurredAt: Date;
}

/** Payload of contact.added_to_group / contact.removed_from_group. */
export interface MembershipEventPayload {
  groupId: string;
  groupPath: string[];
  source: MembershipSource;
  /**
   * Groups whose subtree the contact entered (or left) with this change, the group
   * itself included: what "when added to X" triggers match on, computed in the same
   * transaction so that moving between two subgroups of X enters nothing above them.
   */
  subtreesChanged: string[];
}
