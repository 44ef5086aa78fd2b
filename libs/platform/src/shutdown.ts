/**
 * Runs `drain` once on the first SIGTERM or SIGINT, then exits. A second signal
 * while draining is ignored, so an impatient Ctrl-C cannot orphan child servers.
 */
export function onShutdownSignal(
  drain: (signal: NodeJS.Signals) => Promise<void>,
  log: (line: string) => void,
) {
  let draining = false;
  const handler = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    log(`${signal} received: draining`);
    drain(signal).then(
      () => process.exit(process.exitCode ?? 0),
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** One clear line on stderr, then exit 1: how every process reports a failed start. */
export function exitOnStartupFailure(processName: string) {
  return (error: unknown) => {
    const detail =
      error instanceof Error ? (error.name === 'ConfigError' ? error.message : error.stack) : String(error);
    process.stderr.write(`${processName} failed to start: ${detail}\n`);
    process.exit(1);
  };
}

export const READY_MESSAGE = 'trellis:ready';

/** Tells a supervising process (npm start) that this one is ready; a no-op when run alone. */
export function reportReady(): void {
  process.send?.({ type: READY_MESSAGE });
}
