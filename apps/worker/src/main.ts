import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import {
  exitOnStartupFailure,
  loadConfig,
  onShutdownSignal,
  reportReady,
  startMissingServices,
} from '../../../libs/platform/src/index.js';
import { installTemporalLogging } from './temporal-logging.js';
import { WorkerModule } from './worker.module.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  installTemporalLogging(config.logLevel);
  // Standalone, the worker starts what it lacks; under `npm start` the supervisor has set everything.
  const services = await startMissingServices(config, { postgres: false, temporal: true });
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({
      temporalAddress: services.temporalAddress!,
      temporalNamespace: config.temporalNamespace,
      smtpUrl: config.smtpUrl ?? `smtp://127.0.0.1:${config.mailCatcherPort}`,
      mailFrom: config.mailFrom,
      logLevel: config.logLevel,
      databaseUrl: services.databaseUrl,
      chromiumPath: config.chromiumPath,
      sequenceWaitScale: config.sequenceWaitScale,
      publicUrl: config.publicUrl,
      linkSecret: config.linkSecret,
    }),
    { bufferLogs: true },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  onShutdownSignal(
    async () => {
      await app.close();
      await services.stop();
    },
    (line) => logger.log(line),
  );
  logger.log('worker ready');
  reportReady();
}

bootstrap().catch(exitOnStartupFailure('worker'));
