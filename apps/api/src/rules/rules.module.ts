import { Module } from '@nestjs/common';
import {
  AUTOMATION_CATALOG,
  EmptyAutomationCatalog,
  RuleCatalogRepository,
  RuleCatalogService,
  RuleService,
  SelectionRepository,
  Transactions,
} from '../../../../libs/domain/src/index.js';
import { RulesController } from './rules.controller.js';

/**
 * The rule language's editor endpoints and the catalog rules are checked against.
 * Templates and sequences have no tables yet: AUTOMATION_CATALOG knows none until the
 * feature that adds them binds its own implementation here.
 */
@Module({
  controllers: [RulesController],
  providers: [
    Transactions,
    RuleCatalogRepository,
    SelectionRepository,
    RuleCatalogService,
    RuleService,
    { provide: AUTOMATION_CATALOG, useClass: EmptyAutomationCatalog },
  ],
  exports: [Transactions, RuleCatalogService, SelectionRepository],
})
export class RulesModule {}
