export const CONTACT_KINDS = ['person', 'company'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const CONSENT_STATUSES = ['unknown', 'subscribed', 'unsubscribed'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** A custom field value as stored: dates are ISO `YYYY-MM-DD` strings. */
export type CustomValue = string | number | boolean;

/** Standard fields a caller may set; `kind` is fixed at creation. */
export interface ContactFields {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  companyName: string | null;
  phone: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
  timeZone: string | null;
  consent: ConsentStatus;
  responsibleUserId: string | null;
  companyId: string | null;
}

export const CONTACT_FIELD_NAMES = [
  'email',
  'firstName',
  'lastName',
  'companyName',
  'phone',
  'street',
  'postalCode',
  'city',
  'country',
  'language',
  'timeZone',
  'consent',
  'responsibleUserId',
  'companyId',
] as const satisfies readonly (keyof ContactFields)[];

export interface Contact extends ContactFields {
  id: string;
  kind: ContactKind;
  custom: Record<string, CustomValue>;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A change to a contact: absent fields stay, `null` clears a field (consent goes
 * back to `unknown`). In `custom`, a key set to `null` removes that value.
 */
export type ContactPatch = { [Name in keyof ContactFields]?: ContactFields[Name] | null } & {
  custom?: Record<string, unknown>;
};

export interface NewContact extends ContactPatch {
  kind: ContactKind;
}

/** One changed field in a contact.updated event; custom fields are named `custom.<key>`. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

export interface ContactListFilter {
  /** Text searched in names, email and company name. */
  q?: string;
  groupId?: string;
  /** With `groupId`: members of the group's subgroups count too. */
  includeSubgroups?: boolean;
  tag?: string;
}
