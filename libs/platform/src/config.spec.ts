import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('falls back to embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, temporalNamespace: 'default', logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporalAddress).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.trellis$/);
    expect(config.chromiumPath).toBe('/usr/bin/chromium');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL is not a postgres:// URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a postgres:// URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL is not an smtp:// or smtps:// URL'],
    [{ TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS is not host:port (got "localhost")'],
    [{ PORT: '70000' }, 'PORT is not a port number between 1 and 65535 (got "70000")'],
    [{ PORT: '3000abc' }, 'PORT is not a port number between 1 and 65535 (got "3000abc")'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL is not one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [{ TRELLIS_ADMIN_KEY: 'short' }, 'TRELLIS_ADMIN_KEY is shorter than 24 characters'],
    [{ CHROMIUM_PATH: 'chromium' }, 'CHROMIUM_PATH is not an absolute path (got "chromium")'],
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('accepts real components given by URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/trellis',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://u:p@db:5432/trellis',
      temporalAddress: 'temporal.internal:7233',
      smtpUrl: 'smtps://user:pass@smtp.example.com:465',
    });
  });
});
