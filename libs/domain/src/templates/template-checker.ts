import { Injectable } from '@nestjs/common';
import type { Db } from '../database/transactions.js';
import { pickParts, referencedParts } from './part-references.js';
import { RenderDataRepository } from './render-data.repository.js';
import { type CompileInputs, type CompiledTemplate, TemplateCompiler } from './template-compiler.js';
import { TemplatePartRepository } from './template-part.repository.js';
import type { TemplateContent, TemplateKind } from './template.js';

export interface CheckedTemplate {
  readonly compiled: CompiledTemplate;
  /** Exactly the parts and schema the check used: what a published version freezes. */
  readonly inputs: CompileInputs;
}

/** Checks template content against the stored parts and the current custom field schema. */
@Injectable()
export class TemplateChecker {
  constructor(
    private readonly parts: TemplatePartRepository,
    private readonly renderData: RenderDataRepository,
    private readonly compiler: TemplateCompiler,
  ) {}

  /**
   * Throws TEMPLATE_INVALID when the content does not pass. The parts it uses are
   * share-locked until the caller's transaction ends, so they cannot change
   * between the check and the save. `overrides` replaces stored parts (a part
   * being edited is checked against the drafts that use it).
   */
  async check(
    db: Db,
    kind: TemplateKind,
    content: TemplateContent,
    overrides: Readonly<Record<string, string>> = {},
  ): Promise<CheckedTemplate> {
    const stored = await this.parts.allContents(db);
    const used = referencedParts([content.body], { ...stored, ...overrides });
    // Locked, then read again: the text checked is the text that stays until commit.
    const locked = await this.parts.contentsByName(db, used, 'share');
    const all = { ...stored, ...locked, ...overrides };
    // With a name that does not exist, every part goes in, so the diagnostic can list them.
    const parts = used.every((name) => Object.hasOwn(all, name)) ? pickParts(all, used) : all;
    const inputs: CompileInputs = { parts, customFields: await this.renderData.customFields(db) };
    return { compiled: await this.compiler.check(kind, content, inputs), inputs };
  }
}
