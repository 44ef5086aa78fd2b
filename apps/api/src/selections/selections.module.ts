import { Module } from '@nestjs/common';
import {
  SelectionQueryRepository,
  SelectionQueryService,
  SelectionService,
} from '../../../../libs/domain/src/index.js';
import { RulesModule } from '../rules/rules.module.js';
import { SelectionsController } from './selections.controller.js';

/**
 * Saved selections and running selections against the contacts. SelectionQueryService
 * is exported for bulk actions (resolveSelectionContactIds).
 */
@Module({
  imports: [RulesModule],
  controllers: [SelectionsController],
  providers: [SelectionQueryRepository, SelectionService, SelectionQueryService],
  exports: [SelectionQueryService, SelectionService],
})
export class SelectionsModule {}
