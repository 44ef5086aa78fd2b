import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DEFAULT_PUBLIC_URL } from '../../../libs/platform/src/index.js';
import { AutomationEngineModule } from './relay/automation-engine.module.js';
import { TemporalWorkerService } from './temporal-worker.service.js';
import { WORKER_SETTINGS, type WorkerSettings } from './worker-settings.js';

@Module({})
export class WorkerModule {
  static forRoot(settings: WorkerSettings): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: settings.logLevel, base: { app: 'worker' } } }),
        ...(settings.databaseUrl
          ? [
              AutomationEngineModule.forRoot({
                databaseUrl: settings.databaseUrl,
                temporalAddress: settings.temporalAddress,
                temporalNamespace: settings.temporalNamespace,
                smtpUrl: settings.smtpUrl,
                mailFrom: settings.mailFrom,
                chromiumPath: settings.chromiumPath ?? '/usr/bin/chromium',
                links: { publicUrl: settings.publicUrl ?? DEFAULT_PUBLIC_URL, secret: settings.linkSecret },
                relay: {
                  enabled: settings.relayEnabled ?? true,
                  pollIntervalMs: 1000,
                  tuning: { waitScale: settings.sequenceWaitScale ?? 1 },
                },
              }),
            ]
          : []),
      ],
      providers: [{ provide: WORKER_SETTINGS, useValue: settings }, TemporalWorkerService],
    };
  }
}
