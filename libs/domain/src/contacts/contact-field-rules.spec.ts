import { describe, expect, it } from '@jest/globals';
import { ContactError } from '../errors/domain-error.js';
import {
  isPlausibleEmail,
  isPlausiblePhone,
  normalizeCountry,
  normalizeLanguage,
  normalizeStandardFields,
  normalizeTimeZone,
} from './contact-field-rules.js';

describe('standard contact fields', () => {
  it('normalizes ISO 3166-1 alpha-2 country codes and refuses others', () => {
    expect(normalizeCountry(' gr ')).toBe('GR');
    expect(normalizeCountry('XK')).toBe('XK');
    for (const code of ['XX', 'EU', 'GRC', 'UK', '']) expect(normalizeCountry(code)).toBeUndefined();
  });

  it('accepts IANA time zones in their canonical spelling, not offsets or abbreviations', () => {
    expect(normalizeTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(normalizeTimeZone('UTC')).toBe('UTC');
    expect(normalizeTimeZone('America/Argentina/Buenos_Aires')).toEqual(
      expect.stringMatching(/Buenos_Aires$/),
    );
    for (const zone of ['+01:00', 'Mars/Olympus_Mons', 'Europe/../etc', '']) {
      expect(normalizeTimeZone(zone)).toBeUndefined();
    }
  });

  it('accepts BCP 47 tags of known languages in canonical form', () => {
    expect(normalizeLanguage('de-at')).toBe('de-AT');
    expect(normalizeLanguage('sr-latn-rs')).toBe('sr-Latn-RS');
    for (const tag of ['zz', 'en_US', 'x', 'not a tag', '']) expect(normalizeLanguage(tag)).toBeUndefined();
  });

  it('checks emails and phone numbers loosely', () => {
    expect(isPlausibleEmail('anna@example.com')).toBe(true);
    expect(isPlausibleEmail('anna@example')).toBe(false);
    expect(isPlausiblePhone('+49 (30) 123-45/6')).toBe(true);
    expect(isPlausiblePhone('call me')).toBe(false);
    expect(isPlausiblePhone('+ - /')).toBe(false);
  });

  it('normalizes a patch and names the first bad field', () => {
    expect(normalizeStandardFields({ country: 'de', email: ' a@b.de ', city: null })).toEqual({
      country: 'DE',
      email: 'a@b.de',
      city: null,
    });
    expect(() => normalizeStandardFields({ timeZone: 'Nowhere' })).toThrow(ContactError);
    try {
      normalizeStandardFields({ timeZone: 'Nowhere' });
    } catch (error) {
      expect((error as ContactError).details).toMatchObject({ field: 'timeZone' });
    }
  });
});
