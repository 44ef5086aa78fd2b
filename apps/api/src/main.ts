import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { ApiKeyService, runMigrations } from '../../../libs/domain/src/index.js';
import {
  exitOnStartupFailure,
  loadConfig,
  MailCatcher,
  onShutdownSignal,
  reportReady,
  startMissingServices,
} from '../../../libs/platform/src/index.js';
import { createApiApp } from './create-api-app.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Standalone, the API starts what it lacks; under `npm start` the supervisor has set everything.
  const services = await startMissingServices(config, { postgres: true, temporal: true });
  const mailCatcher = config.smtpUrl ? undefined : new MailCatcher();
  try {
    await runMigrations(services.databaseUrl!);
    await mailCatcher?.listen(config.mailCatcherPort);
  } catch (error) {
    await services.stop();
    throw error;
  }

  const app = await createApiApp({
    databaseUrl: services.databaseUrl!,
    temporalAddress: services.temporalAddress!,
    temporalNamespace: config.temporalNamespace,
    temporalUiUrl: services.temporalUiUrl,
    logLevel: config.logLevel,
    mailCatcher,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    chromiumPath: config.chromiumPath,
    linkSecret: config.linkSecret,
  });
  const logger = app.get(Logger);
  onShutdownSignal(
    async () => {
      // Fastify stops accepting connections first and lets in-flight requests finish.
      await app.close();
      await mailCatcher?.close();
      await services.stop();
    },
    (line) => logger.log(line),
  );

  const { generatedKey } = await app.get(ApiKeyService).ensureAdminKey(config.adminKey);
  if (generatedKey) {
    process.stdout.write(
      `\nAdmin API key (shown once, stored hashed; set TRELLIS_ADMIN_KEY to choose your own):\n  ${generatedKey}\n\n`,
    );
  }
  await app.listen({ port: config.port, host: config.host });
  logger.log(`api ready on http://${config.host}:${config.port}`);
  reportReady();
}

bootstrap().catch(exitOnStartupFailure('api'));
