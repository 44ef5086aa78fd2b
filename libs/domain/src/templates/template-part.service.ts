import { Injectable } from '@nestjs/common';
import type { Db } from '../database/transactions.js';
import { Transactions } from '../database/transactions.js';
import { TemplateError } from '../errors/domain-error.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { PART_NAME, referencedParts } from './part-references.js';
import { checkPartSyntax } from './part-syntax.js';
import { TemplateChecker } from './template-checker.js';
import { invalidTemplate } from './template-compiler.js';
import { TemplatePartRepository } from './template-part.repository.js';
import { TemplateRepository } from './template.repository.js';
import type { NewTemplatePart, Template, TemplatePart, TemplatePartPatch } from './template.js';

function partNotFound(id: string): TemplateError {
  return new TemplateError('TEMPLATE_PART_NOT_FOUND', `no template part ${id}`, { partId: id });
}

/**
 * Shared headers, footers and layouts. A change to a part is checked with every
 * draft that uses it, so saved drafts keep passing; published versions hold
 * their own copy and never see the change.
 */
@Injectable()
export class TemplatePartService {
  constructor(
    private readonly transactions: Transactions,
    private readonly parts: TemplatePartRepository,
    private readonly templates: TemplateRepository,
    private readonly checker: TemplateChecker,
  ) {}

  async create(input: NewTemplatePart): Promise<TemplatePart> {
    if (!PART_NAME.test(input.name)) {
      throw new TemplateError(
        'TEMPLATE_INVALID',
        'a part name starts with a letter and has up to 64 letters, digits, _ and -',
        { field: 'name', diagnostics: [] },
      );
    }
    const diagnostics = checkPartSyntax(input.name, input.kind, input.content);
    if (diagnostics.length > 0) throw invalidTemplate(diagnostics, { part: input.name });
    return this.parts.insert(this.transactions.pool, {
      name: input.name,
      kind: input.kind,
      description: input.description ?? null,
      content: input.content,
    });
  }

  async get(id: string): Promise<TemplatePart> {
    return (await this.parts.find(this.transactions.pool, id)) ?? Promise.reject(partNotFound(id));
  }

  async list(request: PageRequest): Promise<Page<TemplatePart>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('template-parts', request.cursor, ['text'])?.[0];
    const rows = await this.parts.list(this.transactions.pool, after, limit + 1);
    return toPage(rows, limit, 'template-parts', (part) => [part.name]);
  }

  /** Saves the change only when every draft using the part still passes its check with it. */
  async update(id: string, patch: TemplatePartPatch): Promise<TemplatePart> {
    return this.transactions.run(async (db) => {
      const part = await this.parts.find(db, id, 'update');
      if (!part) throw partNotFound(id);
      if (patch.content !== undefined && patch.content !== part.content) {
        const diagnostics = checkPartSyntax(part.name, part.kind, patch.content);
        if (diagnostics.length > 0) throw invalidTemplate(diagnostics, { part: part.name });
        for (const template of await this.draftsUsing(db, part.name)) {
          try {
            await this.checker.check(db, template.kind, template, { [part.name]: patch.content });
          } catch (error) {
            if (error instanceof TemplateError && error.code === 'TEMPLATE_INVALID') {
              throw invalidTemplate(error.details['diagnostics'] as never, {
                part: part.name,
                template: { id: template.id, name: template.name },
              });
            }
            throw error;
          }
        }
      }
      return this.parts.update(db, id, patch);
    });
  }

  /** A part that a draft uses cannot go; published versions keep their own copy. */
  async delete(id: string): Promise<void> {
    await this.transactions.run(async (db) => {
      const part = await this.parts.find(db, id, 'update');
      if (!part) throw partNotFound(id);
      const users = await this.draftsUsing(db, part.name);
      if (users.length > 0) {
        throw new TemplateError(
          'TEMPLATE_PART_IN_USE',
          `the part "${part.name}" is used by ${users.map((template) => `"${template.name}"`).join(', ')}`,
          { templates: users.map((template) => ({ id: template.id, name: template.name })) },
        );
      }
      await this.parts.delete(db, id);
    });
  }

  /** Drafts that include the part, directly or through other parts; locked against concurrent saves. */
  private async draftsUsing(db: Db, name: string): Promise<Template[]> {
    const all = await this.parts.allContents(db);
    const including = Object.keys(all).filter((other) => referencedParts([all[other]!], all).includes(name));
    const candidates = await this.templates.draftsMentioning(db, [name, ...including]);
    return candidates.filter((template) => referencedParts([template.body], all).includes(name));
  }
}
