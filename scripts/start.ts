// `npm start`: brings up the embedded services that are not configured, then the
// API and the worker as separate processes (as they run in production), prints
// where everything is, and tears it all down again on SIGTERM or Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  exitOnStartupFailure,
  loadConfig,
  onShutdownSignal,
  preferPort,
  READY_MESSAGE,
  type ResolvedServices,
  startMissingServices,
  stopChild,
} from '../libs/platform/src/index.js';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function say(line: string): void {
  process.stdout.write(`[trellis] ${line}\n`);
}

/** Starts an app and resolves once it reports ready over IPC; its output is passed through. */
function startApp(name: string, entry: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(distRoot, entry)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type?: string }) => {
      if (message?.type === READY_MESSAGE) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
  return { child, ready };
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  // Registered before anything starts, so a signal during start-up still tears down what is up.
  const apps: ChildProcess[] = [];
  const startup: { services?: Promise<ResolvedServices> } = {};
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(apps.map((child) => stopChild(child, 30_000)));
    // Waits for a start-up still in progress, so nothing it launches is left behind.
    const services = await startup.services?.catch(() => undefined);
    await services?.stop();
  };
  onShutdownSignal(stopAll, say);

  await mkdir(path.join(config.dataDir, 'logs'), { recursive: true });
  const serviceLog = createWriteStream(path.join(config.dataDir, 'logs', 'embedded-services.log'), {
    flags: 'a',
  });
  for (const [name, value] of [
    ['PostgreSQL', config.databaseUrl ? 'DATABASE_URL' : 'embedded'],
    ['Temporal', config.temporalAddress ? 'TEMPORAL_ADDRESS' : 'embedded dev server'],
    ['SMTP', config.smtpUrl ? 'SMTP_URL' : 'in-process mail catcher'],
  ]) {
    say(`${name}: ${value}`);
  }
  startup.services = startMissingServices(config, { postgres: true, temporal: true }, (line) =>
    serviceLog.write(`${line}\n`),
  );
  const services = await startup.services;
  if (stopping) return;

  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    TEMPORAL_ADDRESS: services.temporalAddress,
    TRELLIS_DATA_DIR: config.dataDir,
  };
  if (services.temporalUiUrl) shared.TEMPORAL_UI_URL = services.temporalUiUrl;
  const apiEnv: NodeJS.ProcessEnv = { ...shared };
  const workerEnv: NodeJS.ProcessEnv = { ...shared };
  if (!config.smtpUrl) {
    const catcherPort = await preferPort(config.mailCatcherPort);
    apiEnv.TRELLIS_MAIL_CATCHER_PORT = String(catcherPort);
    workerEnv.SMTP_URL = `smtp://127.0.0.1:${catcherPort}`;
  }

  try {
    const api = startApp('api', 'apps/api/src/main.js', apiEnv);
    const worker = startApp('worker', 'apps/worker/src/main.js', workerEnv);
    apps.push(api.child, worker.child);
    for (const child of apps) {
      child.once('exit', (code) => {
        if (stopping) return;
        say(`a process exited unexpectedly (code ${code}); stopping everything`);
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      });
    }
    await Promise.all([api.ready, worker.ready]);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const base = `http://${config.host}:${config.port}`;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  say(`ready in ${seconds} s`);
  say(`  API          ${base}`);
  say(`  API docs     ${base}/docs`);
  if (services.temporalUiUrl) say(`  Temporal UI  ${services.temporalUiUrl}`);
  if (!config.smtpUrl) say(`  Mailbox      ${base}/dev/mailbox`);
  say('press Ctrl-C to stop');
}

main().catch(exitOnStartupFailure('trellis'));
