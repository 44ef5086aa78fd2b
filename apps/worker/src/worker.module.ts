import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { TemporalWorkerService } from './temporal-worker.service.js';
import { WORKER_SETTINGS, type WorkerSettings } from './worker-settings.js';

@Module({})
export class WorkerModule {
  static forRoot(settings: WorkerSettings): DynamicModule {
    return {
      module: WorkerModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { level: settings.logLevel, base: { app: 'worker' } } })],
      providers: [{ provide: WORKER_SETTINGS, useValue: settings }, TemporalWorkerService],
    };
  }
}
