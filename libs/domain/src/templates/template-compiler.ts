import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  FORBIDDEN_NAMES,
  checkEmailTemplate,
  checkLetterTemplate,
  createVariableSchema,
} from '../../../templates/src/index.js';
import type {
  CompiledEmailTemplate,
  CompiledLetterTemplate,
  CustomFieldDefinition,
  Diagnostic,
  TemplateContext,
} from '../../../templates/src/index.js';
import { TemplateError } from '../errors/domain-error.js';
import type { TemplateContent, TemplateKind, TemplateVersion } from './template.js';

export type CompiledTemplate =
  | {
      readonly kind: 'email';
      readonly template: CompiledEmailTemplate;
      readonly warnings: readonly Diagnostic[];
    }
  | {
      readonly kind: 'letter';
      readonly template: CompiledLetterTemplate;
      readonly warnings: readonly Diagnostic[];
    };

/** What a compile reads besides the content: parts by name and the custom field schema. */
export interface CompileInputs {
  readonly parts: Readonly<Record<string, string>>;
  readonly customFields: readonly CustomFieldDefinition[];
}

/** A small LRU: recently used entries stay, the least recently used one goes first. */
class BoundedCache<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(private readonly capacity: number) {}

  get(key: string): Value | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Value): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** Published versions a process keeps compiled; each is a few hundred KB at most. */
const VERSION_CACHE_SIZE = 500;
/** Drafts being edited, so that previews in a row compile once. */
const DRAFT_CACHE_SIZE = 50;

export function invalidTemplate(
  diagnostics: readonly Diagnostic[],
  details: Record<string, unknown> = {},
): TemplateError {
  const first = diagnostics.find((diagnostic) => diagnostic.severity === 'error') ?? diagnostics[0];
  const where = first ? ` (${first.source} ${first.line}:${first.column}: ${first.message})` : '';
  return new TemplateError('TEMPLATE_INVALID', `the template does not pass its check${where}`, {
    ...details,
    diagnostics,
  });
}

/**
 * Compiles templates with libs/templates and keeps them: published versions by
 * version id (compile once, render many), drafts by a hash of everything their
 * compile reads. Both caches are per process and only ever hold what the
 * database can rebuild, so processes stay stateless.
 */
@Injectable()
export class TemplateCompiler {
  private readonly versions = new BoundedCache<Promise<CompiledTemplate>>(VERSION_CACHE_SIZE);
  private readonly drafts = new BoundedCache<Promise<CompiledTemplate>>(DRAFT_CACHE_SIZE);

  /** The save-time check; throws TEMPLATE_INVALID with positioned diagnostics. */
  async check(
    kind: TemplateKind,
    content: TemplateContent,
    inputs: CompileInputs,
  ): Promise<CompiledTemplate> {
    const key = createHash('sha256')
      .update(JSON.stringify([kind, content, Object.entries(inputs.parts).sort(), inputs.customFields]))
      .digest('hex');
    return this.remember(this.drafts, key, () => compile(kind, content, inputs));
  }

  /** A published version, loaded and compiled on first use in this process. */
  async version(
    kind: TemplateKind,
    versionId: string,
    load: () => Promise<TemplateVersion>,
  ): Promise<CompiledTemplate> {
    return this.remember(this.versions, versionId, async () => {
      const version = await load();
      return compile(kind, version, { parts: version.parts, customFields: version.customFields });
    });
  }

  /** Keeps a compile made from exactly a version's inputs (at publish) as that version's. */
  adopt(versionId: string, compiled: CompiledTemplate): void {
    this.versions.set(versionId, Promise.resolve(compiled));
  }

  private async remember(
    cache: BoundedCache<Promise<CompiledTemplate>>,
    key: string,
    work: () => Promise<CompiledTemplate>,
  ): Promise<CompiledTemplate> {
    let pending = cache.get(key);
    if (!pending) {
      // Concurrent callers share one compile; a failed one is not kept.
      pending = work();
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  }
}

function schemaFor(customFields: readonly CustomFieldDefinition[]) {
  // Such a key can never be referenced (the checker refuses it), so leaving it out changes nothing.
  return createVariableSchema(customFields.filter((field) => !FORBIDDEN_NAMES.has(field.key)));
}

async function compile(
  kind: TemplateKind,
  content: TemplateContent,
  inputs: CompileInputs,
): Promise<CompiledTemplate> {
  const context: TemplateContext = { schema: schemaFor(inputs.customFields), partials: inputs.parts };
  if (kind === 'email') {
    const result = await checkEmailTemplate(
      { subject: content.subject, preheader: content.preheader, mjml: content.body },
      context,
    );
    if (!result.ok || !result.template) throw invalidTemplate(result.diagnostics);
    return { kind, template: result.template, warnings: result.diagnostics };
  }
  const result = checkLetterTemplate(
    { format: content.format ?? 'A4', subject: content.subject, body: content.body },
    context,
  );
  if (!result.ok || !result.template) throw invalidTemplate(result.diagnostics);
  return { kind, template: result.template, warnings: result.diagnostics };
}
