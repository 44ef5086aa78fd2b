import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isPlausiblePhone, normalizeLanguage, normalizeTimeZone } from '../../../../libs/domain/src/index.js';

function satisfies(
  name: string,
  check: (value: string) => boolean,
  expected: string,
  options?: ValidationOptions,
) {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && check(value),
        defaultMessage: (args) => `${args?.property} must be ${expected}`,
      },
    },
    options,
  );
}

export const IsIanaTimeZone = () =>
  satisfies(
    'isIanaTimeZone',
    (value) => normalizeTimeZone(value) !== undefined,
    'an IANA time zone such as Europe/Berlin',
  );

export const IsLanguageTag = () =>
  satisfies(
    'isLanguageTag',
    (value) => normalizeLanguage(value) !== undefined,
    'a BCP 47 language tag such as de-AT',
  );

export const IsPhoneNumber = () =>
  satisfies('isPhoneNumber', isPlausiblePhone, 'a phone number of digits, spaces and + ( ) . / -');
