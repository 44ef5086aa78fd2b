import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import type { CustomFieldDefinition, PaperFormat } from '../../../templates/src/index.js';
import { DomainError } from '../errors/domain-error.js';
import { FieldSchemaService } from '../fields/field-schema.service.js';
import { TemplatePartService } from './template-part.service.js';
import { TemplateService } from './template.service.js';
import type { NewTemplate } from './template.js';

interface Manifest {
  readonly customFields: CustomFieldDefinition[];
  readonly partials: Record<string, string>;
  readonly emails: { name: string; file: string; subject: string; preheader: string }[];
  readonly letters: { name: string; file: string; format: PaperFormat; subject: string }[];
}

export interface ExampleOutcome {
  type: 'field' | 'part' | 'template';
  name: string;
  outcome: 'created' | 'existing' | 'failed';
  /** Why it failed, or the version a created template was published as. */
  message?: string;
}

const TAKEN = new Set(['FIELD_KEY_TAKEN', 'TEMPLATE_PART_NAME_TAKEN', 'TEMPLATE_NAME_TAKEN']);

/** The examples folder of libs/templates, found from here in the sources and in dist alike. */
function examplesDirectory(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'libs', 'templates', 'examples');
    if (existsSync(path.join(candidate, 'examples.json'))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('libs/templates/examples was not found above this module');
    directory = parent;
  }
}

/** Field keys here are snake_case (`travel_date`); the examples were written with camelCase keys. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function labelOf(key: string): string {
  const words = snakeCase(key).split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Installs the example templates shipped with libs/templates (the welcome and
 * follow-up emails, the offer letter, their header, footer and layout, and the
 * custom fields they use), each template published as its first version.
 * Idempotent: anything whose name exists already is left as it is.
 */
@Injectable()
export class TemplateExamplesService {
  constructor(
    private readonly fields: FieldSchemaService,
    private readonly parts: TemplatePartService,
    private readonly templates: TemplateService,
  ) {}

  async install(actor: string): Promise<ExampleOutcome[]> {
    const directory = examplesDirectory();
    const read = (file: string) => readFile(path.join(directory, file), 'utf8');
    const manifest = JSON.parse(await read('examples.json')) as Manifest;
    const keys = new Map(manifest.customFields.map((field) => [field.key, snakeCase(field.key)]));
    const renameFields = (text: string) =>
      text.replace(/contact\.custom\.([A-Za-z][A-Za-z0-9_]*)/g, (whole, key: string) =>
        keys.has(key) ? `contact.custom.${keys.get(key)}` : whole,
      );
    const outcomes: ExampleOutcome[] = [];

    for (const field of manifest.customFields) {
      const key = keys.get(field.key)!;
      outcomes.push(
        await attempt('field', key, () =>
          this.fields.create({
            key,
            label: labelOf(field.key),
            type: field.type,
            options: field.options ? [...field.options] : undefined,
          }),
        ),
      );
    }
    for (const [name, file] of Object.entries(manifest.partials)) {
      const content = renameFields(await read(file));
      const kind = content.includes('@partial-block') ? 'layout' : 'partial';
      outcomes.push(
        await attempt('part', name, () => this.parts.create({ name, kind, content, description: 'Example' })),
      );
    }
    const templates: NewTemplate[] = [
      ...(await Promise.all(
        manifest.emails.map(async (email) => ({
          name: email.name,
          kind: 'email' as const,
          description: 'Example',
          subject: renameFields(email.subject),
          preheader: email.preheader,
          body: renameFields(await read(email.file)),
        })),
      )),
      ...(await Promise.all(
        manifest.letters.map(async (letter) => ({
          name: letter.name,
          kind: 'letter' as const,
          description: 'Example',
          subject: renameFields(letter.subject),
          format: letter.format,
          body: renameFields(await read(letter.file)),
        })),
      )),
    ];
    for (const template of templates) {
      outcomes.push(
        await attempt('template', template.name, async () => {
          const { template: saved } = await this.templates.create(template);
          const version = await this.templates.publish(saved.id, actor);
          return `published as version ${version.version}`;
        }),
      );
    }
    return outcomes;
  }
}

async function attempt(
  type: ExampleOutcome['type'],
  name: string,
  work: () => Promise<unknown>,
): Promise<ExampleOutcome> {
  try {
    const result = await work();
    return { type, name, outcome: 'created', ...(typeof result === 'string' ? { message: result } : {}) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (TAKEN.has(error.code)) return { type, name, outcome: 'existing' };
    return { type, name, outcome: 'failed', message: error.message };
  }
}
