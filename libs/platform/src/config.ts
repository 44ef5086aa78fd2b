import path from 'node:path';

/** Raised when the environment holds a value the process cannot start with. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface TrellisConfig {
  /** Unset means: start an embedded PostgreSQL under `<dataDir>/pg`. */
  databaseUrl?: string;
  /** Unset means: start the Temporal dev server persisted to `<dataDir>/temporal.db`. */
  temporalAddress?: string;
  temporalNamespace: string;
  /** Where the Temporal UI is reachable, when known. */
  temporalUiUrl?: string;
  temporalCliPath?: string;
  /** Unset means: run the in-process mail catcher. */
  smtpUrl?: string;
  mailCatcherPort: number;
  dataDir: string;
  port: number;
  host: string;
  adminKey?: string;
  logLevel: string;
  mailFrom: string;
  /** The Chromium that prints PDF letters; absent means letters answer 503, email still works. */
  chromiumPath: string;
  /** Divides every `wait` in follow-up sequences (demos and tests); 1 in production. */
  sequenceWaitScale: number;
  /** Base URL recipients reach the API at (unsubscribe links), without a trailing slash. */
  publicUrl: string;
  /** Signs links in mail; unset means one generated once and stored in PostgreSQL. */
  linkSecret?: string;
}

export const DEFAULT_MAIL_FROM = 'Trellis <no-reply@trellis.local>';
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The API's own URL with the default HOST and PORT, for processes given no configuration. */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function parsePort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError(`${name} is not a port number between 1 and 65535 (got "${raw}")`);
  }
  return port;
}

function parseUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[], description: string) {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not ${description}`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} is not ${description}`);
  return raw;
}

// Mail clients only unsubscribe in one click over https (RFC 8058). A local install
// answers on plain http, which only the person at that machine can reach.
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** The API's own URL; a wildcard listen address is reached through the loopback one. */
function ownUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function parsePublicUrl(env: NodeJS.ProcessEnv, host: string, port: number): string {
  const raw = optional(env, 'TRELLIS_PUBLIC_URL');
  if (raw === undefined) {
    const own = ownUrl(host, port);
    if (!URL.canParse(own) || !isLoopbackHttp(new URL(own))) {
      throw new ConfigError(
        `TRELLIS_PUBLIC_URL is unset and the API's own URL ${own} is not local; set it to the https:// URL recipients reach the API at`,
      );
    }
    return own;
  }
  if (!URL.canParse(raw)) throw new ConfigError(`TRELLIS_PUBLIC_URL is not an https:// URL (got "${raw}")`);
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new ConfigError(
      `TRELLIS_PUBLIC_URL is not an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]): mail clients unsubscribe in one click only over https (got "${raw}")`,
    );
  }
  if (url.username || url.password || /[?#]/.test(raw)) {
    throw new ConfigError(`TRELLIS_PUBLIC_URL has credentials, a query or a fragment (got "${raw}")`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The one config loader (STYLE.md: one obvious way). Every process validates its
 * whole environment at start and stops with one clear line on a bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TrellisConfig {
  const databaseUrl = parseUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'a postgres:// URL');
  const smtpUrl = parseUrl(env, 'SMTP_URL', ['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL');
  const temporalAddress = optional(env, 'TEMPORAL_ADDRESS');
  if (temporalAddress !== undefined && !/^[\w.-]+:\d{1,5}$/.test(temporalAddress)) {
    throw new ConfigError(`TEMPORAL_ADDRESS is not host:port (got "${temporalAddress}")`);
  }
  const temporalUiUrl = parseUrl(env, 'TEMPORAL_UI_URL', ['http:', 'https:'], 'an http(s):// URL');
  const logLevel = optional(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL is not one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const adminKey = optional(env, 'TRELLIS_ADMIN_KEY');
  if (adminKey !== undefined && adminKey.length < 24) {
    throw new ConfigError('TRELLIS_ADMIN_KEY is shorter than 24 characters');
  }
  const chromiumPath = optional(env, 'CHROMIUM_PATH') ?? DEFAULT_CHROMIUM_PATH;
  if (!path.isAbsolute(chromiumPath)) {
    throw new ConfigError(`CHROMIUM_PATH is not an absolute path (got "${chromiumPath}")`);
  }
  const rawScale = optional(env, 'TRELLIS_SEQUENCE_WAIT_SCALE');
  const sequenceWaitScale = rawScale === undefined ? 1 : Number(rawScale);
  if (!Number.isFinite(sequenceWaitScale) || sequenceWaitScale < 1) {
    throw new ConfigError(`TRELLIS_SEQUENCE_WAIT_SCALE is not a number of at least 1 (got "${rawScale}")`);
  }
  const linkSecret = optional(env, 'TRELLIS_LINK_SECRET');
  if (linkSecret !== undefined && linkSecret.length < 32) {
    throw new ConfigError('TRELLIS_LINK_SECRET is shorter than 32 characters');
  }
  const port = parsePort(env, 'PORT', 3000);
  const host = optional(env, 'HOST') ?? '127.0.0.1';
  return {
    databaseUrl,
    temporalAddress,
    temporalNamespace: optional(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    temporalUiUrl,
    temporalCliPath: optional(env, 'TEMPORAL_CLI_PATH'),
    smtpUrl,
    mailCatcherPort: parsePort(env, 'TRELLIS_MAIL_CATCHER_PORT', 2525),
    dataDir: path.resolve(optional(env, 'TRELLIS_DATA_DIR') ?? '.trellis'),
    port,
    host,
    adminKey,
    logLevel,
    mailFrom: optional(env, 'MAIL_FROM') ?? DEFAULT_MAIL_FROM,
    chromiumPath,
    sequenceWaitScale,
    publicUrl: parsePublicUrl(env, host, port),
    linkSecret,
  };
}
