import type { Contact } from '../contacts/contact.js';

/** A named static list of contacts. */
export interface Segment {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  memberCount: number;
}

export interface NewSegment {
  name: string;
  description?: string | null;
}

export interface SegmentMember {
  contact: Contact;
  addedAt: Date;
}
