import { ContactError } from '../errors/domain-error.js';
import type { ContactFields, ContactPatch } from './contact.js';

// ISO 3166-1 alpha-2, officially assigned codes (plus XK, widely used for Kosovo).
const COUNTRY_CODES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW ' +
    'BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI ' +
    'FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN ' +
    'IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ' +
    'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF ' +
    'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
    'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK ' +
    'YE YT ZA ZM ZW'
  ).split(' '),
);

// Area/Location names as the tz database spells them; offsets such as "+01:00" are not zones.
const TIME_ZONE_SHAPE = /^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+){0,2}$/;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_SHAPE = /^\+?[0-9 ()./-]{3,40}$/;

/** ISO 3166-1 alpha-2, upper-cased; undefined when it is no such code. */
export function normalizeCountry(value: string): string | undefined {
  const code = value.trim().toUpperCase();
  return COUNTRY_CODES.has(code) ? code : undefined;
}

/** A time zone of the IANA database in its canonical spelling (`europe/berlin` → `Europe/Berlin`). */
export function normalizeTimeZone(value: string): string | undefined {
  const zone = value.trim();
  if (!TIME_ZONE_SHAPE.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** A BCP 47 tag in canonical form (`de-de` → `de-DE`) whose language ICU knows (so not `zz`). */
export function normalizeLanguage(value: string): string | undefined {
  const tag = value.trim();
  if (tag.length === 0 || tag.length > 35) return undefined;
  try {
    const canonical = Intl.getCanonicalLocales(tag)[0];
    if (!canonical || LANGUAGE_NAMES.of(new Intl.Locale(canonical).language) === undefined) return undefined;
    return canonical;
  } catch {
    return undefined;
  }
}

export function isPlausibleEmail(value: string): boolean {
  return value.length <= 320 && EMAIL_SHAPE.test(value);
}

export function isPlausiblePhone(value: string): boolean {
  return PHONE_SHAPE.test(value) && /\d/.test(value);
}

type Normalizer = (value: string) => string | undefined;

const NORMALIZERS: Partial<Record<keyof ContactFields, [Normalizer, string]>> = {
  email: [(value) => (isPlausibleEmail(value.trim()) ? value.trim() : undefined), 'an email address'],
  phone: [(value) => (isPlausiblePhone(value.trim()) ? value.trim() : undefined), 'a phone number'],
  country: [normalizeCountry, 'an ISO 3166-1 alpha-2 country code'],
  language: [normalizeLanguage, 'a BCP 47 language tag'],
  timeZone: [normalizeTimeZone, 'an IANA time zone such as Europe/Berlin'],
};

/**
 * The API validates these at the edge already; the domain checks again because
 * forms, imports and automations write contacts too.
 */
export function normalizeStandardFields<P extends ContactPatch>(patch: P): P {
  const result = { ...patch };
  for (const [name, [normalize, expected]] of Object.entries(NORMALIZERS) as [
    keyof ContactFields,
    [Normalizer, string],
  ][]) {
    const value = result[name];
    if (value === undefined || value === null) continue;
    const normalized = typeof value === 'string' ? normalize(value) : undefined;
    if (normalized === undefined) {
      throw new ContactError('CONTACT_FIELD_INVALID', `${name} must be ${expected}`, {
        field: name,
        expected,
      });
    }
    (result as Record<string, unknown>)[name] = normalized;
  }
  return result;
}
