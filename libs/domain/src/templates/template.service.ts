import { Injectable } from '@nestjs/common';
import type { Diagnostic } from '../../../templates/src/index.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { Transactions } from '../database/transactions.js';
import { TemplateError } from '../errors/domain-error.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { TemplateChecker } from './template-checker.js';
import { TemplateCompiler } from './template-compiler.js';
import { TemplateRepository } from './template.repository.js';
import type {
  NewTemplate,
  Template,
  TemplateContent,
  TemplateKind,
  TemplatePatch,
  TemplateVersion,
  TemplateVersionSummary,
} from './template.js';

/** A saved template with the warnings its check found (errors stop the save). */
export interface SavedTemplate {
  template: Template;
  warnings: readonly Diagnostic[];
}

export function templateNotFound(id: string): TemplateError {
  return new TemplateError('TEMPLATE_NOT_FOUND', `no template ${id}`, { templateId: id });
}

function kindMismatch(field: string, message: string): TemplateError {
  return new TemplateError('TEMPLATE_KIND_MISMATCH', message, { field });
}

function contentOf(template: Pick<Template, keyof TemplateContent>): TemplateContent {
  return {
    subject: template.subject,
    preheader: template.preheader,
    body: template.body,
    format: template.format,
  };
}

/** Email fields on a letter (or the reverse) are refused rather than silently dropped. */
function checkKindFields(kind: TemplateKind, fields: { preheader?: string; format?: string | null }): void {
  if (kind === 'letter' && fields.preheader) {
    throw kindMismatch('preheader', 'letters have no preheader');
  }
  if (kind === 'email' && fields.format) {
    throw kindMismatch('format', 'the paper format is for letters; emails have none');
  }
}

/**
 * Templates with a draft and immutable published versions. Every save checks the
 * draft (a template that saves can always render); publishing freezes the draft
 * together with the parts and field schema it was checked against.
 */
@Injectable()
export class TemplateService {
  constructor(
    private readonly transactions: Transactions,
    private readonly templates: TemplateRepository,
    private readonly checker: TemplateChecker,
    private readonly compiler: TemplateCompiler,
  ) {}

  async create(input: NewTemplate): Promise<SavedTemplate> {
    checkKindFields(input.kind, input);
    const template: Required<NewTemplate> = {
      name: input.name.trim(),
      kind: input.kind,
      description: input.description ?? null,
      subject: input.subject,
      preheader: input.kind === 'email' ? (input.preheader ?? '') : '',
      body: input.body,
      format: input.kind === 'letter' ? (input.format ?? 'A4') : null,
    };
    return this.transactions.run(async (db) => {
      const { compiled } = await this.checker.check(db, template.kind, contentOf(template));
      return { template: await this.templates.insert(db, template), warnings: compiled.warnings };
    });
  }

  async get(id: string): Promise<Template> {
    return (await this.templates.find(this.transactions.pool, id)) ?? Promise.reject(templateNotFound(id));
  }

  async list(request: PageRequest & { kind?: TemplateKind }): Promise<Page<Template>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('templates', request.cursor, ['text', 'uuid']);
    const rows = await this.templates.list(
      this.transactions.pool,
      request.kind,
      after ? { name: after[0]!, id: after[1]! } : undefined,
      limit + 1,
    );
    return toPage(rows, limit, 'templates', (template) => [template.name.toLowerCase(), template.id]);
  }

  /** Changes the draft; published versions stay as they are. */
  async update(id: string, patch: TemplatePatch): Promise<SavedTemplate> {
    return this.transactions.run(async (db) => {
      const current = await this.templates.find(db, id, 'update');
      if (!current) throw templateNotFound(id);
      checkKindFields(current.kind, patch);
      const next = { ...patch, name: patch.name?.trim() };
      const content: TemplateContent = {
        subject: patch.subject ?? current.subject,
        preheader: patch.preheader ?? current.preheader,
        body: patch.body ?? current.body,
        format: patch.format ?? current.format,
      };
      const { compiled } = await this.checker.check(db, current.kind, content);
      await this.templates.update(db, id, next);
      return { template: (await this.templates.find(db, id))!, warnings: compiled.warnings };
    });
  }

  /** The template disappears; its versions stay for the deliveries that used them. */
  async delete(id: string): Promise<void> {
    if (!(await this.templates.softDelete(this.transactions.pool, id))) throw templateNotFound(id);
  }

  /**
   * Publishes the draft as the next version. The draft is checked again, since
   * parts or custom fields may have changed since it was saved, and the version
   * keeps exactly the parts and fields of that check.
   */
  async publish(id: string, actor: string): Promise<TemplateVersion> {
    return this.transactions.run(async (db) => {
      const template = await this.templates.find(db, id, 'update');
      if (!template) throw templateNotFound(id);
      const content = contentOf(template);
      const { compiled, inputs } = await this.checker.check(db, template.kind, content);
      const version = await this.templates.insertVersion(db, id, content, {
        parts: { ...inputs.parts },
        customFields: [...inputs.customFields],
        publishedBy: actor,
      });
      // The version compiles to what the check just compiled: keep it for sending.
      this.compiler.adopt(version.id, compiled);
      return version;
    });
  }

  async versions(id: string, request: PageRequest): Promise<Page<TemplateVersionSummary>> {
    const limit = pageSize(request.limit);
    const before = decodeTypedCursor('template-versions', request.cursor, ['integer'])?.[0];
    const db = this.transactions.pool;
    if (!(await this.templates.find(db, id))) throw templateNotFound(id);
    const rows = await this.templates.versions(
      db,
      id,
      before === undefined ? undefined : Number(before),
      limit + 1,
    );
    return toPage(rows, limit, 'template-versions', (version) => [version.version]);
  }

  async version(id: string, version: number): Promise<TemplateVersion> {
    const db = this.transactions.pool;
    if (!(await this.templates.find(db, id))) throw templateNotFound(id);
    const ref = await this.templates.versionRef(db, id, version);
    if (!ref) throw versionNotFound(id, version);
    return (await this.templates.findVersion(db, ref.id))!;
  }

  /** Names and kinds of all templates: what a rule's `send template "…"` may name. */
  async catalog(): Promise<{ name: string; kind: TemplateKind }[]> {
    return this.templates.catalog(this.transactions.pool);
  }
}

export function versionNotFound(templateId: string, version: number): TemplateError {
  return new TemplateError('TEMPLATE_VERSION_NOT_FOUND', `template ${templateId} has no version ${version}`, {
    templateId,
    version,
  });
}
