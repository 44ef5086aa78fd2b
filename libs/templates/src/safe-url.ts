const ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto']);
// Browsers drop tab and newline anywhere in a URL and leading C0 controls and spaces,
// so `java\nscript:` and `\u0001javascript:` are read as `javascript:`.
const IGNORED_BY_URL_PARSER = /[\t\n\r]/g;
// eslint-disable-next-line no-control-regex
const LEADING_CONTROLS = /^[\u0000-\u0020]+/;
// eslint-disable-next-line no-control-regex
const TRAILING_CONTROLS = /[\u0000-\u0020]+$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * The URL as the author's data gave it when its scheme is http, https or mailto,
 * else the empty string. Relative URLs are refused too: data holds absolute links,
 * and a relative one (`//host`) could still lead anywhere.
 */
export function safeUrl(value: unknown): string {
  if (typeof value !== 'string') return '';
  const cleaned = value
    .replace(IGNORED_BY_URL_PARSER, '')
    .replace(LEADING_CONTROLS, '')
    .replace(TRAILING_CONTROLS, '');
  const scheme = SCHEME.exec(cleaned);
  if (!scheme || !ALLOWED_SCHEMES.has(scheme[1]!.toLowerCase())) return '';
  if (scheme[1]!.toLowerCase() !== 'mailto' && !URL.canParse(cleaned)) return '';
  return cleaned;
}

// A local install serves its unsubscribe endpoint on plain http at the loopback
// address (TRELLIS_PUBLIC_URL defaults to the API's own URL); only that machine reaches it.
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The checks the MIME List-Unsubscribe header needs; RFC 8058 one-click requires https,
 * so plain http passes only for this machine's own address.
 */
export function isHttpsUrl(value: string): boolean {
  if (!URL.canParse(value) || /[\s<>]/.test(value)) return false;
  if (/^https:\/\//i.test(value)) return true;
  return /^http:\/\//i.test(value) && LOOPBACK_HOSTS.has(new URL(value).hostname);
}

export function isMailtoUrl(value: string): boolean {
  return /^mailto:[^\s<>]+@[^\s<>]+$/i.test(value);
}
