import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import nodemailer from 'nodemailer';
import {
  AUTOMATION_CATALOG,
  AutomationRepository,
  ChromiumPdfRenderer,
  CompiledTemplateService,
  ConditionRepository,
  ContactRepository,
  createDataSourceOptions,
  DELIVERY_LINKS,
  DELIVERY_MAILER,
  DeliveryLedgerService,
  DeliveryRepository,
  DomainEventRepository,
  EmailDeliveryService,
  EventRelayService,
  LetterDeliveryService,
  LetterDownloadService,
  LetterService,
  LINK_SECRET_SETTINGS,
  LinkSecretRepository,
  LinkSecretService,
  LiveAutomationCatalog,
  MembershipRepository,
  MembershipService,
  PDF_RENDERER,
  RelayRepository,
  RenderDataRepository,
  RenderDataService,
  RuleCatalogRepository,
  RuleCatalogService,
  ScheduledMailingPlans,
  ScheduledMailingService,
  SelectionQueryRepository,
  SelectionQueryService,
  SelectionRepository,
  SequenceActionsService,
  SequenceEntryRepository,
  SequenceRuntimeService,
  SignedUnsubscribeLinks,
  TagRepository,
  TagService,
  TemplateChecker,
  TemplateCompiler,
  TemplatePartRepository,
  TemplateRepository,
  Transactions,
  TriggerPlanner,
} from '../../../../libs/domain/src/index.js';
import {
  FOLLOW_UP_ACTIVITIES,
  followUpActivitiesProvider,
} from '../activities/follow-up-activities.provider.js';
import {
  SCHEDULED_MAILING_ACTIVITIES,
  scheduledMailingActivitiesProvider,
} from '../activities/scheduled-mailing-activities.provider.js';
import { SmtpDeliveryMailer } from '../activities/smtp-delivery.mailer.js';
import { AUTOMATION_ENGINE_SETTINGS, type AutomationEngineSettings } from './automation-engine.settings.js';
import { EventRelayRunner } from './event-relay.runner.js';
import { ScheduledMailingSync } from './scheduled-mailing.sync.js';
import { WorkerTemporalClient } from './worker-temporal-client.js';

/**
 * The worker's half of the automation engine: the database, the domain services
 * the follow-up and scheduled mailing activities call (deliveries, memberships,
 * tags, conditions, selections), the event relay that starts and stops
 * follow-ups, and the sync that keeps Temporal's schedules of mailings current.
 */
@Module({})
export class AutomationEngineModule {
  static forRoot(settings: AutomationEngineSettings): DynamicModule {
    return {
      module: AutomationEngineModule,
      imports: [
        TypeOrmModule.forRoot({
          ...createDataSourceOptions(settings.databaseUrl),
          extra: { max: 30, application_name: 'trellis-worker' },
          retryAttempts: 3,
        }),
      ],
      providers: [
        { provide: AUTOMATION_ENGINE_SETTINGS, useValue: settings },
        Transactions,
        DomainEventRepository,
        ContactRepository,
        MembershipRepository,
        MembershipService,
        TagRepository,
        TagService,
        TemplateRepository,
        TemplatePartRepository,
        RenderDataRepository,
        TemplateCompiler,
        TemplateChecker,
        CompiledTemplateService,
        RenderDataService,
        LetterService,
        { provide: PDF_RENDERER, useFactory: () => new ChromiumPdfRenderer(settings.chromiumPath) },
        {
          provide: DELIVERY_MAILER,
          useFactory: () =>
            new SmtpDeliveryMailer(
              nodemailer.createTransport({ url: settings.smtpUrl, pool: true, maxConnections: 5 } as never),
              settings.mailFrom,
            ),
        },
        { provide: LINK_SECRET_SETTINGS, useValue: { configuredSecret: settings.links.secret } },
        LinkSecretRepository,
        LinkSecretService,
        {
          provide: DELIVERY_LINKS,
          useFactory: (secrets: LinkSecretService) =>
            new SignedUnsubscribeLinks(settings.links.publicUrl, secrets),
          inject: [LinkSecretService],
        },
        DeliveryRepository,
        DeliveryLedgerService,
        EmailDeliveryService,
        LetterDeliveryService,
        LetterDownloadService,
        ConditionRepository,
        SequenceEntryRepository,
        SequenceRuntimeService,
        SequenceActionsService,
        followUpActivitiesProvider,
        AutomationRepository,
        RelayRepository,
        TriggerPlanner,
        EventRelayService,
        WorkerTemporalClient,
        EventRelayRunner,
        SelectionRepository,
        RuleCatalogRepository,
        { provide: AUTOMATION_CATALOG, useClass: LiveAutomationCatalog },
        RuleCatalogService,
        SelectionQueryRepository,
        SelectionQueryService,
        ScheduledMailingService,
        ScheduledMailingPlans,
        scheduledMailingActivitiesProvider,
        ScheduledMailingSync,
      ],
      exports: [FOLLOW_UP_ACTIVITIES, SCHEDULED_MAILING_ACTIVITIES],
    };
  }
}
