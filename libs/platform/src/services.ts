import type { TrellisConfig } from './config.js';
import { startEmbeddedPostgres, type EmbeddedService } from './embedded-postgres.js';
import { startTemporalDevServer } from './temporal-dev-server.js';

export interface ResolvedServices {
  databaseUrl?: string;
  temporalAddress?: string;
  temporalUiUrl?: string;
  /** Names of the components this call started itself. */
  started: string[];
  /** Stops what this call started, newest first; configured services are left alone. */
  stop(): Promise<void>;
}

export interface ServiceNeeds {
  postgres: boolean;
  temporal: boolean;
}

/**
 * For each needed component whose variable is unset, starts the embedded default.
 * Components given by URL are used as they are.
 */
export async function startMissingServices(
  config: TrellisConfig,
  needs: ServiceNeeds,
  log: (line: string) => void = () => undefined,
): Promise<ResolvedServices> {
  const running: EmbeddedService[] = [];
  const started: string[] = [];
  const stop = async () => {
    for (const service of running.splice(0).reverse()) await service.stop();
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (needs.postgres && !databaseUrl) {
      const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
      running.push(postgres);
      started.push('postgres');
      databaseUrl = postgres.url;
    }
    let temporalAddress = config.temporalAddress;
    let temporalUiUrl = config.temporalUiUrl;
    if (needs.temporal && !temporalAddress) {
      const temporal = await startTemporalDevServer({
        dataDir: config.dataDir,
        cliPath: config.temporalCliPath,
        namespace: config.temporalNamespace,
        log,
      });
      running.push(temporal);
      started.push('temporal');
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
    }
    return { databaseUrl, temporalAddress, temporalUiUrl, started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
