import type {
  AccountData,
  ConsentState,
  ContactData,
  LinkData,
  TemplateData,
} from '../../../templates/src/index.js';
import type { ConsentStatus } from '../contacts/contact.js';
import { formatGroupPath } from '../groups/group-path.js';
import type { ContactRenderRow } from './render-data.repository.js';
import type { SenderProfile } from './template.js';

const CONSENT: Record<ConsentStatus, ConsentState> = {
  unknown: 'none',
  subscribed: 'granted',
  unsubscribed: 'withdrawn',
};

/**
 * Links for previews and test sends. Sequence mail carries signed per-contact links
 * (SignedUnsubscribeLinks); these point at a reserved domain (RFC 2606), so a click
 * in a preview or test mail goes nowhere instead of unsubscribing someone.
 */
export const PREVIEW_LINKS: LinkData = {
  unsubscribe: 'https://unsubscribe.trellis.invalid/preview',
  unsubscribeMailto: 'mailto:unsubscribe@trellis.invalid',
  preferences: 'https://preferences.trellis.invalid/preview',
  webVersion: 'https://view.trellis.invalid/preview',
};

/** Shown when a preview names no contact: every standard field filled. */
export const SAMPLE_CONTACT: ContactData = {
  email: 'erika.mustermann@example.org',
  firstName: 'Erika',
  lastName: 'Mustermann',
  companyName: null,
  phone: '+49 40 555 0100',
  street: 'Elbchaussee 42',
  postalCode: '22763',
  city: 'Hamburg',
  country: 'DE',
  language: 'en-GB',
  timeZone: 'Europe/Berlin',
  kind: 'person',
  consent: 'granted',
  custom: {},
  groups: ['Newsletter'],
  tags: ['sample'],
};

export function accountData(profile: SenderProfile): AccountData {
  return {
    name: profile.name,
    street: profile.street,
    postalCode: profile.postalCode,
    city: profile.city,
    country: profile.country,
    email: profile.email,
    phone: profile.phone,
    website: profile.website,
    legalNotice: profile.legalNotice,
    language: profile.language,
    timeZone: profile.timeZone,
  };
}

/** A stored contact as templates see it; values are rebuilt along the schema when rendered. */
export function contactTemplateData(
  row: ContactRenderRow,
  account: AccountData,
  links: LinkData,
): TemplateData {
  return {
    contact: {
      email: row.email ?? '',
      firstName: row.firstName,
      lastName: row.lastName,
      companyName: row.companyName,
      phone: row.phone,
      street: row.street,
      postalCode: row.postalCode,
      city: row.city,
      country: row.country,
      language: row.language,
      timeZone: row.timeZone,
      kind: row.kind,
      consent: CONSENT[row.consent],
      custom: row.custom as ContactData['custom'],
      groups: row.groupPaths.map(formatGroupPath).sort((a, b) => a.localeCompare(b)),
      tags: row.tags,
    },
    responsibleUser:
      row.responsibleUserName === null
        ? null
        : { name: row.responsibleUserName, email: row.responsibleUserEmail },
    account,
    links,
  };
}

/**
 * Caller-supplied preview data: its `contact` and `responsibleUser` as given
 * (what it leaves out renders as empty). The account is always the sender profile and links are preview links,
 * so a preview never shows a sender or an unsubscribe target the caller made up.
 * Unknown keys are dropped when the data is rebuilt along the schema.
 */
export function suppliedTemplateData(
  data: Record<string, unknown>,
  account: AccountData,
  links: LinkData,
): TemplateData {
  const contact = typeof data['contact'] === 'object' && data['contact'] !== null ? data['contact'] : {};
  const user = data['responsibleUser'];
  return {
    contact: { email: '', ...(contact as Partial<ContactData>) },
    responsibleUser:
      typeof user === 'object' && user !== null ? (user as TemplateData['responsibleUser']) : null,
    account,
    links,
  };
}
