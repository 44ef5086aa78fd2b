import type { CustomFieldDefinition, PaperFormat } from '../../../templates/src/index.js';

export const TEMPLATE_KINDS = ['email', 'letter'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const PAPER_FORMATS = ['A4', 'Letter'] as const satisfies readonly PaperFormat[];

export const TEMPLATE_PART_KINDS = ['partial', 'layout'] as const;
export type TemplatePartKind = (typeof TEMPLATE_PART_KINDS)[number];

/** What a template renders from: the draft, or a published version. */
export interface TemplateContent {
  subject: string;
  /** Email only; empty for letters. */
  preheader: string;
  /** MJML for email, HTML for letters; both with Handlebars expressions. */
  body: string;
  /** Letters only. */
  format: PaperFormat | null;
}

/** A template with its editable draft. */
export interface Template extends TemplateContent {
  id: string;
  name: string;
  kind: TemplateKind;
  description: string | null;
  /** The newest published version number; null before the first publish. */
  latestVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTemplate {
  name: string;
  kind: TemplateKind;
  description?: string | null;
  subject: string;
  preheader?: string;
  body: string;
  format?: PaperFormat | null;
}

export interface TemplatePatch {
  name?: string;
  description?: string | null;
  subject?: string;
  preheader?: string;
  body?: string;
  format?: PaperFormat;
}

/**
 * An immutable published version: the content plus everything its compile read
 * (the parts it uses and the custom field schema), so it renders the same forever.
 */
export interface TemplateVersion extends TemplateContent {
  id: string;
  templateId: string;
  version: number;
  parts: Record<string, string>;
  customFields: CustomFieldDefinition[];
  publishedAt: Date;
  publishedBy: string;
}

/** A version without its frozen sources, for listings. */
export type TemplateVersionSummary = Omit<TemplateVersion, 'parts' | 'customFields'>;

/** A shared header, footer or layout, referenced by name as `{{> name}}` or `{{#> name}}…{{/name}}`. */
export interface TemplatePart {
  id: string;
  name: string;
  kind: TemplatePartKind;
  description: string | null;
  content: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTemplatePart {
  name: string;
  kind: TemplatePartKind;
  description?: string | null;
  content: string;
}

export interface TemplatePartPatch {
  description?: string | null;
  content?: string;
}

/** The sender block mail footers and letterheads show (imprint, return address). */
export interface SenderProfile {
  name: string;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  legalNotice: string | null;
  language: string | null;
  timeZone: string | null;
  updatedAt: Date;
}

export type SenderProfilePatch = Partial<Omit<SenderProfile, 'updatedAt'>>;
