import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createVariableSchema } from '../src/index.js';
import type {
  CustomFieldDefinition,
  EmailTemplateVersion,
  LetterTemplateVersion,
  TemplateContext,
  TemplateData,
  VariableSchema,
} from '../src/index.js';

// Shared by the specs and the benchmark: the shipped examples as a caller would load them from storage.

const examplesDirectory = fileURLToPath(new URL('../examples/', import.meta.url));

export function readExample(relativePath: string): string {
  return readFileSync(`${examplesDirectory}${relativePath}`, 'utf8');
}

interface Manifest {
  readonly customFields: CustomFieldDefinition[];
  readonly partials: Record<string, string>;
  readonly emails: { name: string; file: string; subject: string; preheader: string }[];
  readonly letters: { name: string; file: string; format: 'A4' | 'Letter'; subject: string }[];
}

const manifest = JSON.parse(readExample('examples.json')) as Manifest;

export const exampleSchema: VariableSchema = createVariableSchema(manifest.customFields);

export const examplePartials: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(manifest.partials).map(([name, file]) => [name, readExample(file)]),
);

export const exampleContext: TemplateContext = { schema: exampleSchema, partials: examplePartials };

export const exampleEmails: readonly (EmailTemplateVersion & { readonly name: string })[] =
  manifest.emails.map((email) => ({
    name: email.name,
    subject: email.subject,
    preheader: email.preheader,
    mjml: readExample(email.file),
  }));

export const exampleLetters: readonly (LetterTemplateVersion & { readonly name: string })[] =
  manifest.letters.map((letter) => ({
    name: letter.name,
    format: letter.format,
    subject: letter.subject,
    body: readExample(letter.file),
  }));

export function exampleEmail(name: string): EmailTemplateVersion {
  const email = exampleEmails.find((candidate) => candidate.name === name);
  if (!email) throw new Error(`no example email ${name}`);
  return email;
}

export const account: TemplateData['account'] = {
  name: 'Blue Aegean Travel GmbH',
  street: 'Friedrichstraße 120',
  postalCode: '10117',
  city: 'Berlin',
  country: 'DE',
  email: 'hello@blue-aegean.example',
  phone: '+49 30 1234567',
  website: 'https://www.blue-aegean.example',
  legalNotice: 'Registered at Amtsgericht Berlin-Charlottenburg HRB 000000 · VAT DE000000000',
  language: 'en-GB',
  timeZone: 'Europe/Berlin',
};

export function linksFor(token: string): TemplateData['links'] {
  return {
    unsubscribe: `https://mail.blue-aegean.example/u/${token}`,
    unsubscribeMailto: `mailto:unsubscribe+${token}@mail.blue-aegean.example`,
    preferences: `https://mail.blue-aegean.example/p/${token}`,
    webVersion: `https://mail.blue-aegean.example/w/${token}`,
  };
}

/** A contact with every field set, as the sending worker would load it. */
export function sampleData(index = 0): TemplateData {
  return {
    contact: {
      email: `traveller${index}@example.org`,
      firstName: index % 2 === 0 ? 'Erika' : 'Jörg',
      lastName: 'Mustermann',
      companyName: null,
      phone: '+49 40 555 0100',
      street: 'Elbchaussee 42',
      postalCode: '22763',
      city: 'Hamburg',
      country: 'DE',
      language: index % 3 === 0 ? 'de-DE' : 'en-GB',
      timeZone: 'Europe/Berlin',
      kind: 'person',
      consent: 'granted',
      custom: {
        travelDate: new Date(Date.UTC(2026, 6, 14)),
        nights: 7 + (index % 7),
        budget: 1500 + index,
        travelStyle: 'island-hopping',
        website: 'https://example.org/',
        repeatCustomer: index % 2 === 0,
      },
      groups: ['Travel offers/Greece', 'Travel offers/Greece/Islands'],
      tags: ['summer', 'ferries'],
    },
    responsibleUser: { name: 'Travel desk Greece', email: 'greece@blue-aegean.example' },
    account,
    links: linksFor(`t${index.toString(36)}`),
  };
}
