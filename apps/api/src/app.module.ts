import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyRepository, ApiKeyService, createDataSourceOptions } from '../../../libs/domain/src/index.js';
import { API_SETTINGS, type ApiSettings } from './api-settings.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { AutomationsModule } from './automations/automations.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { validationFailed } from './errors/validation.js';
import { FieldsModule } from './fields/fields.module.js';
import { RejectNulCharactersPipe } from './errors/nul-characters.pipe.js';
import { ApiExceptionFilter } from './errors/exception.filter.js';
import { GroupsModule } from './groups/groups.module.js';
import { HealthController } from './health/health.controller.js';
import { LettersModule } from './letters/letters.module.js';
import { TemporalHealthIndicator } from './health/temporal.health.js';
import { MailboxController } from './mailbox/mailbox.controller.js';
import { SegmentsModule } from './segments/segments.module.js';
import { RulesModule } from './rules/rules.module.js';
import { SelectionsModule } from './selections/selections.module.js';
import { SystemCheckService } from './system/system-check.service.js';
import { SystemController } from './system/system.controller.js';
import { TagsModule } from './tags/tags.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { TemporalModule } from './temporal/temporal.module.js';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module.js';
import { UsersModule } from './users/users.module.js';

export const REQUEST_ID_HEADER = 'x-request-id';

@Module({})
export class AppModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: settings.logLevel,
            base: { app: 'api' },
            genReqId: (request) => String(request.headers[REQUEST_ID_HEADER] ?? randomUUID()),
            redact: ['req.headers.authorization'],
          },
        }),
        TypeOrmModule.forRoot({ ...createDataSourceOptions(settings.databaseUrl), retryAttempts: 3 }),
        TerminusModule,
        ContactsModule,
        TagsModule,
        SegmentsModule,
        FieldsModule,
        UsersModule,
        GroupsModule,
        TemplatesModule.forRoot(settings),
        LettersModule.forRoot(settings),
        RulesModule,
        SelectionsModule,
        TemporalModule.forRoot(settings),
        AutomationsModule.forRoot(settings),
        UnsubscribeModule.forRoot(settings),
      ],
      controllers: [HealthController, SystemController, MailboxController],
      providers: [
        { provide: API_SETTINGS, useValue: settings },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_PIPE, useClass: RejectNulCharactersPipe },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: validationFailed,
          }),
        },
        ApiKeyRepository,
        ApiKeyService,
        TemporalHealthIndicator,
        SystemCheckService,
      ],
    };
  }
}
