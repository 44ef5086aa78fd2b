import { type DynamicModule, Module } from '@nestjs/common';
import {
  AutomationRepository,
  AutomationService,
  ContactRepository,
  DeliveryRepository,
  LetterDownloadService,
  RenderDataRepository,
  ScheduledMailingPlans,
  SequenceEntryRepository,
  SequenceInsightService,
  TemplateRepository,
  Transactions,
} from '../../../../libs/domain/src/index.js';
import type { ApiSettings } from '../api-settings.js';
import { RulesModule } from '../rules/rules.module.js';
import { LetterDownloadsController } from '../sequences/letter-downloads.controller.js';
import { SequencesController } from '../sequences/sequences.controller.js';
import { AutomationSchedulesService } from './automation-schedules.service.js';
import { AutomationsController } from './automations.controller.js';
import { ContactAutomationsController } from './contact-automations.controller.js';
import { ContactAutomationsService } from './contact-automations.service.js';

/**
 * Automations (save, validate, activate, deactivate, versions) and what they do:
 * a contact's sequences, sequence stats and the letters sequences printed.
 * RulesModule provides the catalog rules are checked against.
 */
@Module({})
export class AutomationsModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: AutomationsModule,
      imports: [RulesModule],
      controllers: [
        AutomationsController,
        ContactAutomationsController,
        SequencesController,
        LetterDownloadsController,
      ],
      providers: [
        Transactions,
        AutomationRepository,
        TemplateRepository,
        AutomationService,
        ContactRepository,
        DeliveryRepository,
        SequenceEntryRepository,
        SequenceInsightService,
        LetterDownloadService,
        RenderDataRepository,
        ScheduledMailingPlans,
        AutomationSchedulesService,
        {
          provide: ContactAutomationsService,
          inject: [SequenceInsightService],
          useFactory: (insight: SequenceInsightService) => new ContactAutomationsService(insight, settings),
        },
      ],
    };
  }
}
