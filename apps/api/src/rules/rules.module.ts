import { Module } from '@nestjs/common';
import {
  AUTOMATION_CATALOG,
  AutomationRepository,
  LiveAutomationCatalog,
  RuleCatalogRepository,
  RuleCatalogService,
  RuleService,
  SelectionRepository,
  TemplateRepository,
  Transactions,
} from '../../../../libs/domain/src/index.js';
import { RulesController } from './rules.controller.js';

/**
 * The rule language's editor endpoints and the catalog rules are checked against:
 * groups, fields, tags, segments and saved selections from RuleCatalogService, templates
 * and sequences from AUTOMATION_CATALOG (live templates, sequences of active automations).
 */
@Module({
  controllers: [RulesController],
  providers: [
    Transactions,
    RuleCatalogRepository,
    SelectionRepository,
    RuleCatalogService,
    RuleService,
    TemplateRepository,
    AutomationRepository,
    { provide: AUTOMATION_CATALOG, useClass: LiveAutomationCatalog },
  ],
  exports: [Transactions, RuleCatalogService, SelectionRepository],
})
export class RulesModule {}
