import { Injectable } from '@nestjs/common';
import type { CompiledEmailTemplate } from '../../../templates/src/index.js';
import { Transactions } from '../database/transactions.js';
import { TemplateError } from '../errors/domain-error.js';
import { TemplateChecker } from './template-checker.js';
import { type CompiledTemplate, TemplateCompiler } from './template-compiler.js';
import { TemplateRepository } from './template.repository.js';
import { templateNotFound, versionNotFound } from './template.service.js';
import type { Template } from './template.js';

/** What a sender needs: the compiled email and the version to note on the delivery. */
export interface SendableEmailTemplate {
  templateId: string;
  templateName: string;
  /** The published version number. */
  version: number;
  versionId: string;
  /** Compiled once per version and process; call render/renderEncoded or a MIME composer per contact. */
  compiled: CompiledEmailTemplate;
}

/** Which content of a template: the draft, the newest published version, or a version number. */
export type TemplateRevision = 'draft' | 'latest' | number;

export interface ResolvedTemplate {
  template: Template;
  /** Null for the draft. */
  version: number | null;
  compiled: CompiledTemplate;
}

function notPublished(name: string): TemplateError {
  return new TemplateError(
    'TEMPLATE_NOT_PUBLISHED',
    `the template "${name}" has no published version yet; publish it first`,
    { template: name },
  );
}

/** Compiled templates for sending, previews and letters, from the per-process compile cache. */
@Injectable()
export class CompiledTemplateService {
  constructor(
    private readonly transactions: Transactions,
    private readonly templates: TemplateRepository,
    private readonly checker: TemplateChecker,
    private readonly compiler: TemplateCompiler,
  ) {}

  /**
   * The email template to send: the newest published version, or the pinned one.
   * One indexed query per call; the compile happens once per version and process.
   */
  async loadForSending(templateName: string, pinnedVersion?: number): Promise<SendableEmailTemplate> {
    const db = this.transactions.pool;
    const ref = await this.templates.versionRefByName(db, templateName, pinnedVersion);
    if (!ref) {
      throw new TemplateError('TEMPLATE_NOT_FOUND', `no template named "${templateName}"`, {
        template: templateName,
      });
    }
    if (ref.kind !== 'email') {
      throw new TemplateError('TEMPLATE_KIND_MISMATCH', `"${ref.name}" is a letter template, not an email`, {
        template: ref.name,
      });
    }
    if (ref.versionId === null || ref.version === null) {
      throw pinnedVersion === undefined
        ? notPublished(ref.name)
        : versionNotFound(ref.templateId, pinnedVersion);
    }
    const compiled = await this.versionCompiled('email', ref.versionId);
    return {
      templateId: ref.templateId,
      templateName: ref.name,
      version: ref.version,
      versionId: ref.versionId,
      compiled: compiled.template as CompiledEmailTemplate,
    };
  }

  /** A template by id with the chosen content compiled; drafts are checked like a save. */
  async resolve(templateId: string, revision: TemplateRevision): Promise<ResolvedTemplate> {
    if (revision === 'draft') {
      return this.transactions.run(async (db) => {
        const template = await this.templates.find(db, templateId);
        if (!template) throw templateNotFound(templateId);
        const { compiled } = await this.checker.check(db, template.kind, template);
        return { template, version: null, compiled };
      });
    }
    const db = this.transactions.pool;
    const template = await this.templates.find(db, templateId);
    if (!template) throw templateNotFound(templateId);
    const ref = await this.templates.versionRef(db, templateId, revision === 'latest' ? undefined : revision);
    if (!ref)
      throw revision === 'latest' ? notPublished(template.name) : versionNotFound(templateId, revision);
    return { template, version: ref.version, compiled: await this.versionCompiled(template.kind, ref.id) };
  }

  private versionCompiled(kind: Template['kind'], versionId: string): Promise<CompiledTemplate> {
    return this.compiler.version(kind, versionId, async () => {
      const version = await this.templates.findVersion(this.transactions.pool, versionId);
      if (!version) throw new Error(`template version ${versionId} vanished`);
      return version;
    });
  }
}
