import Handlebars from 'handlebars';
import { safeUrl } from './safe-url.js';

export type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'enum';

export interface ArgumentSpec {
  readonly name: string;
  readonly accepts: readonly ValueKind[];
  /** For a literal argument: a message when its value is unusable. */
  readonly checkLiteral?: (value: unknown) => string | undefined;
}

export interface HelperSignature {
  readonly description: string;
  readonly params: readonly ArgumentSpec[];
  readonly required: number;
  readonly hash: Readonly<Record<string, ArgumentSpec>>;
  readonly returns: ValueKind;
}

export const DATE_STYLES = ['short', 'medium', 'long', 'full'] as const;
type DateStyle = (typeof DATE_STYLES)[number];

function oneOf(values: readonly string[]): (value: unknown) => string | undefined {
  return (value) =>
    typeof value === 'string' && values.includes(value) ? undefined : `use one of ${values.join(', ')}`;
}

function checkLocale(value: unknown): string | undefined {
  try {
    Intl.getCanonicalLocales(String(value));
    return undefined;
  } catch {
    return 'not a language tag such as "de-DE"';
  }
}

function checkTimeZone(value: unknown): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: String(value) });
    return undefined;
  } catch {
    return 'not a time zone such as "Europe/Berlin"';
  }
}

function checkCurrency(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value)
    ? undefined
    : 'not an ISO 4217 code such as "EUR"';
}

function checkFractionDigits(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 6
    ? undefined
    : 'use a whole number from 0 to 6';
}

const TEXT: readonly ValueKind[] = ['string', 'enum'];
const LOCALE: ArgumentSpec = { name: 'locale', accepts: TEXT, checkLiteral: checkLocale };

/** The only helpers a template may call, besides the block helpers if, unless, each and with. */
export const HELPER_SIGNATURES: Readonly<Record<string, HelperSignature>> = {
  formatDate: {
    description:
      'A date in the contact’s language and time zone: {{formatDate contact.custom.travelDate "long"}}.',
    params: [
      { name: 'date', accepts: ['date'] },
      { name: 'style', accepts: ['string'], checkLiteral: oneOf(DATE_STYLES) },
    ],
    required: 1,
    hash: {
      locale: LOCALE,
      timeZone: { name: 'timeZone', accepts: TEXT, checkLiteral: checkTimeZone },
      time: { name: 'time', accepts: ['string'], checkLiteral: oneOf(DATE_STYLES) },
    },
    returns: 'string',
  },
  formatNumber: {
    description: 'A number in the contact’s language: {{formatNumber contact.custom.nights 0}}.',
    params: [
      { name: 'value', accepts: ['number'] },
      { name: 'fractionDigits', accepts: ['number'], checkLiteral: checkFractionDigits },
    ],
    required: 1,
    hash: { locale: LOCALE },
    returns: 'string',
  },
  formatCurrency: {
    description: 'An amount of money: {{formatCurrency contact.custom.budget "EUR"}}.',
    params: [
      { name: 'value', accepts: ['number'] },
      { name: 'currency', accepts: TEXT, checkLiteral: checkCurrency },
    ],
    required: 2,
    hash: { locale: LOCALE },
    returns: 'string',
  },
  default: {
    description: 'The value, or the fallback when it is empty: {{default contact.firstName "traveller"}}.',
    params: [
      { name: 'value', accepts: ['string', 'number', 'boolean', 'enum'] },
      { name: 'fallback', accepts: ['string', 'number', 'boolean', 'enum'] },
    ],
    required: 2,
    hash: {},
    returns: 'string',
  },
  upper: {
    description: 'Upper case: {{upper contact.lastName}}.',
    params: [{ name: 'value', accepts: TEXT }],
    required: 1,
    hash: {},
    returns: 'string',
  },
  lower: {
    description: 'Lower case: {{lower contact.email}}.',
    params: [{ name: 'value', accepts: TEXT }],
    required: 1,
    hash: {},
    returns: 'string',
  },
  safeUrl: {
    description:
      'The URL when it is http, https or mailto, else empty. Added by itself where a URL attribute starts with a value.',
    params: [{ name: 'url', accepts: TEXT }],
    required: 1,
    hash: {},
    returns: 'string',
  },
};

export const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);

interface HelperOptions {
  readonly hash?: Record<string, unknown>;
  readonly data?: { readonly root?: Record<string, unknown> };
}

function field(root: Record<string, unknown> | undefined, object: string, key: string): string | undefined {
  const holder = root?.[object];
  if (typeof holder !== 'object' || holder === null) return undefined;
  const value = (holder as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function localeFor(options: HelperOptions): string {
  const explicit = options.hash?.['locale'];
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  const root = options.data?.root;
  return field(root, 'contact', 'language') ?? field(root, 'account', 'language') ?? 'en';
}

function timeZoneFor(options: HelperOptions): string {
  const explicit = options.hash?.['timeZone'];
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  const root = options.data?.root;
  return field(root, 'contact', 'timeZone') ?? field(root, 'account', 'timeZone') ?? 'UTC';
}

/**
 * Intl formatters are expensive to build and few distinct ones are needed per
 * send, so they are kept; a bad locale or zone from contact data falls back
 * instead of failing the render.
 */
class FormatterCache<T> {
  private readonly entries = new Map<string, T>();
  private readonly create: (key: string) => T;

  constructor(create: (key: string) => T) {
    this.create = create;
  }

  get(key: string): T {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= 1000) this.entries.clear();
      entry = this.create(key);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

function withFallbacks<T>(attempts: readonly (() => T)[]): T {
  let lastError: unknown;
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

const dateFormatters = new FormatterCache((key) => {
  const [locale, timeZone, dateStyle, timeStyle] = key.split('\u0000') as [string, string, string, string];
  const styles: Intl.DateTimeFormatOptions = {
    dateStyle: dateStyle as DateStyle,
    ...(timeStyle === '' ? {} : { timeStyle: timeStyle as DateStyle }),
  };
  return withFallbacks([
    () => new Intl.DateTimeFormat(locale, { ...styles, timeZone }),
    () => new Intl.DateTimeFormat(locale, { ...styles, timeZone: 'UTC' }),
    () => new Intl.DateTimeFormat('en', { ...styles, timeZone }),
    () => new Intl.DateTimeFormat('en', { ...styles, timeZone: 'UTC' }),
  ]);
});

const numberFormatters = new FormatterCache((key) => {
  const [locale, digits, currency] = key.split('\u0000') as [string, string, string];
  const options: Intl.NumberFormatOptions =
    currency !== ''
      ? { style: 'currency', currency }
      : digits !== ''
        ? { minimumFractionDigits: Number(digits), maximumFractionDigits: Number(digits) }
        : {};
  return withFallbacks([
    () => new Intl.NumberFormat(locale, options),
    () => new Intl.NumberFormat('en', options),
    () => new Intl.NumberFormat('en', { style: 'currency', currency: 'XXX' }),
  ]);
});

function isStyle(value: unknown): value is DateStyle {
  return typeof value === 'string' && (DATE_STYLES as readonly string[]).includes(value);
}

/**
 * A date from data. Handlebars passes the options object last, so an absent
 * optional argument shows up as that object and is ignored by type.
 */
export function formatDate(value: unknown, style: unknown, options?: HelperOptions): string {
  const helperOptions = (options ?? (typeof style === 'object' ? style : {})) as HelperOptions;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return '';
  const dateStyle = isStyle(style) ? style : 'medium';
  const time = helperOptions.hash?.['time'];
  const key = [localeFor(helperOptions), timeZoneFor(helperOptions), dateStyle, isStyle(time) ? time : ''];
  return dateFormatters.get(key.join('\u0000')).format(value);
}

export function formatNumber(value: unknown, digits: unknown, options?: HelperOptions): string {
  const helperOptions = (options ?? (typeof digits === 'object' ? digits : {})) as HelperOptions;
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  const fraction =
    Number.isInteger(digits) && (digits as number) >= 0 && (digits as number) <= 6 ? digits : '';
  return numberFormatters.get([localeFor(helperOptions), String(fraction), ''].join('\u0000')).format(value);
}

export function formatCurrency(value: unknown, currency: unknown, options?: HelperOptions): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  const code =
    typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : 'XXX';
  return numberFormatters.get([localeFor(options ?? {}), '', code].join('\u0000')).format(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

const HELPERS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  formatDate,
  formatNumber,
  formatCurrency,
  default: (value: unknown, fallback: unknown) =>
    isEmpty(value) ? (isEmpty(fallback) ? '' : fallback) : value,
  upper: (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : ''),
  lower: (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : ''),
  safeUrl: (value: unknown) => safeUrl(value),
};

export type HandlebarsEnvironment = typeof Handlebars;

/**
 * A private Handlebars environment: only the listed helpers exist, `lookup` and
 * `log` are gone, and nothing registered elsewhere in the process leaks in.
 */
export function createEnvironment(
  extra: Readonly<Record<string, (...args: never[]) => unknown>> = {},
): HandlebarsEnvironment {
  const environment = Handlebars.create();
  environment.unregisterHelper('lookup');
  environment.unregisterHelper('log');
  for (const [name, helper] of Object.entries({ ...HELPERS, ...extra })) {
    environment.registerHelper(name, helper as Handlebars.HelperDelegate);
  }
  return environment;
}

/** `strict` turns a missing key into an error instead of empty output; see normalizeTemplateData. */
export function compileOptions(extraHelpers: readonly string[] = [], escape = true): CompileOptions {
  const knownHelpers: Record<string, boolean> = { lookup: false, log: false };
  for (const name of [...Object.keys(HELPERS), ...extraHelpers]) knownHelpers[name] = true;
  return {
    strict: true,
    knownHelpersOnly: true,
    knownHelpers: knownHelpers as KnownHelpers,
    noEscape: !escape,
    data: true,
  };
}
