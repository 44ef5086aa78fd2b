import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import {
  ContactRepository,
  LINK_SECRET_SETTINGS,
  LinkSecretRepository,
  LinkSecretService,
  Transactions,
  UnsubscribeService,
} from '../../../../libs/domain/src/index.js';
import type { ApiSettings } from '../api-settings.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { acceptOneClickMultipart } from './one-click-body.js';
import { UnsubscribeController } from './unsubscribe.controller.js';

/** The public unsubscribe link of sequence mail; the worker signs what this module checks. */
@Module({})
export class UnsubscribeModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  static forRoot(settings: Pick<ApiSettings, 'linkSecret'>): DynamicModule {
    return {
      module: UnsubscribeModule,
      imports: [ContactsModule],
      controllers: [UnsubscribeController],
      providers: [
        { provide: LINK_SECRET_SETTINGS, useValue: { configuredSecret: settings.linkSecret } },
        Transactions,
        ContactRepository,
        LinkSecretRepository,
        LinkSecretService,
        UnsubscribeService,
      ],
    };
  }

  onModuleInit(): void {
    acceptOneClickMultipart(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
