import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import { pino } from 'pino';

const TEMPORAL_LEVEL: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/**
 * Routes the Temporal SDK's own logs (worker state, workflow bundling, core) into
 * the same structured pino output as the rest of the worker. Must run before the
 * first connection or worker is created.
 */
export function installTemporalLogging(level: string): void {
  const logger = pino({ level, base: { app: 'worker', component: 'temporal-sdk' } });
  Runtime.install({
    logger: new DefaultLogger(TEMPORAL_LEVEL[level] ?? 'INFO', (entry) => {
      const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method](entry.meta ?? {}, entry.message);
    }),
  });
}
