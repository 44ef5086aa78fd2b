import type { TemplateLimits } from './limits.js';

export type CustomFieldType = 'text' | 'number' | 'date' | 'boolean' | 'enum';

/** A contact field defined by the account; its key appears as `contact.custom.<key>`. */
export interface CustomFieldDefinition {
  readonly key: string;
  readonly type: CustomFieldType;
  /** The allowed values of an `enum` field. */
  readonly options?: readonly string[];
}

export type CustomFieldValue = string | number | boolean | Date | null;

export const CONTACT_KINDS = ['person', 'company'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const CONSENT_STATES = ['none', 'pending', 'granted', 'withdrawn'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export interface ContactData {
  readonly email: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly companyName?: string | null;
  readonly phone?: string | null;
  readonly street?: string | null;
  readonly postalCode?: string | null;
  readonly city?: string | null;
  /** ISO 3166-1 alpha-2, e.g. `DE`. */
  readonly country?: string | null;
  /** BCP 47, e.g. `de-DE`; drives date and number formatting. */
  readonly language?: string | null;
  /** IANA zone, e.g. `Europe/Berlin`. */
  readonly timeZone?: string | null;
  readonly kind?: ContactKind | null;
  readonly consent?: ConsentState | null;
  readonly custom?: Readonly<Record<string, CustomFieldValue | undefined>>;
  /** Group paths such as `Travel offers/Greece`. */
  readonly groups?: readonly string[];
  readonly tags?: readonly string[];
}

export interface ResponsibleUserData {
  readonly name: string | null;
  readonly email: string | null;
}

/** The sender block every mail and letter shows (imprint, return address). */
export interface AccountData {
  readonly name: string;
  readonly street?: string | null;
  readonly postalCode?: string | null;
  readonly city?: string | null;
  readonly country?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly website?: string | null;
  /** Register entry, VAT id and similar lines the law asks for in business mail. */
  readonly legalNotice?: string | null;
  /** BCP 47; fallback when a contact has no language. */
  readonly language?: string | null;
  readonly timeZone?: string | null;
}

/** Per-send links; the unsubscribe URL must be https for RFC 8058 one-click. */
export interface LinkData {
  readonly unsubscribe: string;
  /** Optional second List-Unsubscribe target, `mailto:`. */
  readonly unsubscribeMailto?: string | null;
  readonly preferences?: string | null;
  readonly webVersion?: string | null;
}

export interface TemplateData {
  readonly contact: ContactData;
  readonly responsibleUser?: ResponsibleUserData | null;
  readonly account: AccountData;
  readonly links: LinkData;
}

/**
 * The type of every value a template may reference. The checker resolves each
 * path against it, and render-time data is rebuilt along it, so a path that
 * passed the check always exists at render time.
 */
export type VariableType =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'date' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'list'; readonly items: VariableType }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, VariableType>> };

export type ObjectType = Extract<VariableType, { kind: 'object' }>;

export interface VariableSchema {
  readonly root: ObjectType;
  readonly customFields: readonly CustomFieldDefinition[];
}

const STRING = { kind: 'string' } as const;

/** Names that reach into the JavaScript object model rather than the data. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

const CUSTOM_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
}

function customFieldType(field: CustomFieldDefinition): VariableType {
  switch (field.type) {
    case 'text':
      return STRING;
    case 'number':
      return { kind: 'number' };
    case 'date':
      return { kind: 'date' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', values: [...(field.options ?? [])] };
  }
}

/** The schema for one account: the standard data plus its custom contact fields. */
export function createVariableSchema(customFields: readonly CustomFieldDefinition[] = []): VariableSchema {
  const custom: Record<string, VariableType> = {};
  for (const field of customFields) {
    if (!CUSTOM_KEY.test(field.key) || FORBIDDEN_NAMES.has(field.key)) {
      throw new InvalidSchemaError(`custom field key "${field.key}" must match ${CUSTOM_KEY.source}`);
    }
    if (Object.hasOwn(custom, field.key)) {
      throw new InvalidSchemaError(`custom field key "${field.key}" is defined twice`);
    }
    custom[field.key] = customFieldType(field);
  }
  const root: ObjectType = {
    kind: 'object',
    fields: {
      contact: {
        kind: 'object',
        fields: {
          email: STRING,
          firstName: STRING,
          lastName: STRING,
          companyName: STRING,
          phone: STRING,
          street: STRING,
          postalCode: STRING,
          city: STRING,
          country: STRING,
          language: STRING,
          timeZone: STRING,
          kind: { kind: 'enum', values: CONTACT_KINDS },
          consent: { kind: 'enum', values: CONSENT_STATES },
          custom: { kind: 'object', fields: custom },
          groups: { kind: 'list', items: STRING },
          tags: { kind: 'list', items: STRING },
        },
      },
      responsibleUser: { kind: 'object', fields: { name: STRING, email: STRING } },
      account: {
        kind: 'object',
        fields: {
          name: STRING,
          street: STRING,
          postalCode: STRING,
          city: STRING,
          country: STRING,
          email: STRING,
          phone: STRING,
          website: STRING,
          legalNotice: STRING,
          language: STRING,
          timeZone: STRING,
        },
      },
      links: {
        kind: 'object',
        fields: { unsubscribe: STRING, unsubscribeMailto: STRING, preferences: STRING, webVersion: STRING },
      },
      message: {
        kind: 'object',
        fields: { subject: STRING, preheader: STRING, date: { kind: 'date' } },
      },
    },
  };
  return { root, customFields: [...customFields] };
}

/** Subject and preheader are rendered before the body, so of `message` they only see the date. */
export function withoutMessage(root: ObjectType): ObjectType {
  return {
    kind: 'object',
    fields: { ...root.fields, message: { kind: 'object', fields: { date: { kind: 'date' } } } },
  };
}

export interface MessageData {
  readonly subject: string;
  readonly preheader: string;
  readonly date: Date;
}

function coerce(type: VariableType, value: unknown, limits: TemplateLimits): unknown {
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') {
        return value.length > limits.maxStringLength ? value.slice(0, limits.maxStringLength) : value;
      }
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
    case 'number':
      if (typeof value === 'number') return Number.isFinite(value) ? value : null;
      if (typeof value === 'string' && value.trim() !== '') {
        const parsed = Number(value);
        return Number.isFinite(parsed) ? parsed : null;
      }
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      const date =
        value instanceof Date
          ? value
          : typeof value === 'string' || typeof value === 'number'
            ? new Date(value)
            : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : null;
    }
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? value : null;
    case 'list': {
      if (!Array.isArray(value)) return [];
      const items: unknown[] = [];
      for (const item of value) {
        if (items.length >= limits.maxListItems) break;
        const coerced = coerce(type.items, item, limits);
        if (coerced !== null) items.push(coerced);
      }
      return items;
    }
    case 'object': {
      // Plain objects, not prototype-free ones: Handlebars compares contexts with `!=`,
      // which throws on an object without a prototype. Its own prototype-access guard
      // and the checker's FORBIDDEN_NAMES keep lookups off the prototype.
      const result: Record<string, unknown> = {};
      const source = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      for (const key of Object.keys(type.fields)) {
        result[key] = coerce(type.fields[key]!, Object.hasOwn(source, key) ? source[key] : undefined, limits);
      }
      return result;
    }
  }
}

/**
 * Rebuilds caller data along the schema: every known path exists (null when the
 * caller had nothing), unknown keys are dropped, values have their declared type
 * and bounded size. Handlebars' `strict` mode then never meets a missing key.
 */
export function normalizeTemplateData(
  root: ObjectType,
  data: TemplateData | Record<string, unknown>,
  limits: TemplateLimits,
  message?: MessageData,
): Record<string, unknown> {
  const withMessage = message ? { ...data, message } : data;
  return coerce(root, withMessage, limits) as Record<string, unknown>;
}

function sampleValue(type: VariableType, limits: TemplateLimits, name: string): unknown {
  switch (type.kind) {
    case 'string':
      // Characters Handlebars must escape make escaping part of the measured cost.
      return `<&"'${name}`.padEnd(limits.maxStringLength, 'x&');
    case 'number':
      return 1234567.891;
    case 'boolean':
      return true;
    case 'date':
      return new Date(Date.UTC(2030, 11, 31, 23, 59, 59));
    case 'enum':
      return type.values[type.values.length - 1] ?? null;
    case 'list':
      return Array.from({ length: limits.maxListItems }, () => sampleValue(type.items, limits, name));
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(type.fields)) result[key] = sampleValue(field, limits, key);
      return result;
    }
  }
}

/** The largest data the limits admit, for the trial render at check time. */
export function worstCaseData(root: ObjectType, limits: TemplateLimits): Record<string, unknown> {
  return sampleValue(root, limits, 'root') as Record<string, unknown>;
}
