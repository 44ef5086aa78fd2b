import { Injectable } from '@nestjs/common';
import {
  checkText,
  complete,
  format,
  hasErrors,
  parse,
  type CompletionItem,
  type Diagnostic,
} from '../../../rules/src/index.js';
import { RuleCatalogService } from './rule-catalog.service.js';
import { invalid } from './rule-diagnostics.js';

export interface RuleValidation {
  /** No errors (warnings allowed). */
  valid: boolean;
  diagnostics: Diagnostic[];
}

/** Editor support for rule text: check, canonical layout and completion against the live catalog. */
@Injectable()
export class RuleService {
  constructor(private readonly catalogs: RuleCatalogService) {}

  /** Every problem in the text: syntax, names, types, group paths, loops between selections. */
  async validate(source: string): Promise<RuleValidation> {
    const { catalog } = await this.catalogs.load();
    const { diagnostics } = checkText(source, catalog);
    return { valid: !hasErrors(diagnostics), diagnostics };
  }

  /** Canonical layout, comments kept. Only syntax matters here; text that cannot be read is refused. */
  format(source: string): string {
    const parsed = parse(source);
    if (!parsed.ast) throw invalid(parsed.diagnostics);
    return format(source);
  }

  /** What may be written at `offset`: keywords, group paths, fields, tags, segments, selections. */
  async complete(source: string, offset: number): Promise<CompletionItem[]> {
    const { catalog } = await this.catalogs.load();
    return complete(source, Math.min(Math.max(offset, 0), source.length), catalog);
  }
}
