import type { FollowUpStopReason } from './workflow-contracts.js';

export type SequenceEntryStatus = 'running' | 'waiting' | 'completed' | 'stopped';

/** What a follow-up reports about itself, so stats and listings need no Temporal round trip. */
export interface FollowUpProgress {
  workflowId: string;
  stepIndex: number;
  state: SequenceEntryStatus;
  /** ISO 8601 UTC while waiting. */
  nextWakeUpAt: string | null;
  stopReason: FollowUpStopReason | 'stopCondition' | null;
}

export interface SequenceEntry {
  workflowId: string;
  sequence: string;
  contactId: string;
  automationVersionId: string;
  triggerEventSeq: string;
  depth: number;
  status: SequenceEntryStatus;
  currentStep: number;
  nextWakeUpAt: Date | null;
  stopReason: string | null;
  startGroupId: string | null;
  enteredAt: Date;
  endedAt: Date | null;
}
