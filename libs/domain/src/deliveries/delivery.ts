/** One email or letter a sequence step asks for; the key makes a retried step a no-op. */
export interface SequenceDeliveryRequest {
  /** Made by the workflow from its id and the step index. */
  idempotencyKey: string;
  workflowId: string;
  contactId: string;
  template: string;
  /** null for a scheduled mailing, which belongs to no sequence. */
  sequence: string | null;
  stepIndex: number | null;
  automationVersionId: string;
}

export type DeliveryChannel = 'email' | 'letter';

/** pending → sent | failed | skipped; only pending ever changes. */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export type DeliverySkipReason = 'unsubscribed' | 'noEmail' | 'contactDeleted';

export interface DeliveryOutcome {
  status: 'sent' | 'failed' | 'skipped';
  /** Absent when nothing was recorded (the contact was erased). */
  deliveryId?: string;
  /** Why it was skipped. */
  reason?: DeliverySkipReason;
  /** Why it failed; a failure is always final (a transient one is retried instead). */
  error?: string;
}

export interface Delivery {
  id: string;
  idempotencyKey: string;
  channel: DeliveryChannel;
  contactId: string;
  workflowId: string | null;
  sequence: string | null;
  stepIndex: number | null;
  templateName: string;
  templateVersion: number | null;
  status: DeliveryStatus;
  attempts: number;
  messageId: string | null;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}
