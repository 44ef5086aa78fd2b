import { Injectable } from '@nestjs/common';
import type { CatalogTemplate } from '../../../rules/src/index.js';
import { Transactions } from '../database/transactions.js';
import type { AutomationCatalog } from '../rules/automation-catalog.js';
import { TemplateRepository } from '../templates/template.repository.js';
import { AutomationRepository } from './automation.repository.js';

/**
 * The templates and sequences rules may name, from the database: every live
 * template, and the sequences of the active automations. Bind it to
 * AUTOMATION_CATALOG so the rule editor (validate, complete) knows them too.
 */
@Injectable()
export class LiveAutomationCatalog implements AutomationCatalog {
  constructor(
    private readonly transactions: Transactions,
    private readonly templateRepository: TemplateRepository,
    private readonly automations: AutomationRepository,
  ) {}

  async templates(): Promise<CatalogTemplate[]> {
    const rows = await this.templateRepository.catalog(this.transactions.pool);
    return rows.map((row) => ({ name: row.name, channel: row.kind }));
  }

  async sequences(): Promise<string[]> {
    const rows = await this.automations.activeSequenceNames(this.transactions.pool);
    return [...new Set(rows.map((row) => row.name))];
  }
}
