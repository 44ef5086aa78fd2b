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

  describe('TRELLIS_PUBLIC_URL', () => {
    it("defaults to the API's own URL, through the loopback address when it listens on all of them", () => {
      expect(loadConfig({}).publicUrl).toBe('http://127.0.0.1:3000');
      expect(loadConfig({ PORT: '8080', HOST: 'localhost' }).publicUrl).toBe('http://localhost:8080');
      expect(loadConfig({ HOST: '0.0.0.0' }).publicUrl).toBe('http://127.0.0.1:3000');
      expect(loadConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:3000');
    });

    it('takes https URLs, and http ones on this machine, without a trailing slash', () => {
      expect(loadConfig({ TRELLIS_PUBLIC_URL: 'https://crm.example.com/' }).publicUrl).toBe(
        'https://crm.example.com',
      );
      expect(loadConfig({ TRELLIS_PUBLIC_URL: 'https://example.com/trellis/' }).publicUrl).toBe(
        'https://example.com/trellis',
      );
      for (const local of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
        expect(loadConfig({ TRELLIS_PUBLIC_URL: local }).publicUrl).toBe(local);
      }
    });

    it.each([
      [
        { TRELLIS_PUBLIC_URL: 'crm.example.com' },
        'TRELLIS_PUBLIC_URL is not an https:// URL (got "crm.example.com")',
      ],
      [
        { TRELLIS_PUBLIC_URL: 'http://crm.example.com' },
        'TRELLIS_PUBLIC_URL is not an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]): mail clients unsubscribe in one click only over https (got "http://crm.example.com")',
      ],
      [
        { TRELLIS_PUBLIC_URL: 'ftp://localhost' },
        'TRELLIS_PUBLIC_URL is not an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]): mail clients unsubscribe in one click only over https (got "ftp://localhost")',
      ],
      [
        { TRELLIS_PUBLIC_URL: 'https://crm.example.com/?x=1' },
        'TRELLIS_PUBLIC_URL has credentials, a query or a fragment (got "https://crm.example.com/?x=1")',
      ],
      [
        { HOST: '10.0.0.5' },
        "TRELLIS_PUBLIC_URL is unset and the API's own URL http://10.0.0.5:3000 is not local; set it to the https:// URL recipients reach the API at",
      ],
    ])('rejects %j with one clear line', (env, message) => {
      expect(() => loadConfig(env)).toThrow(new ConfigError(message));
    });
  });

  it('takes TRELLIS_LINK_SECRET of at least 32 characters', () => {
    expect(loadConfig({}).linkSecret).toBeUndefined();
    expect(loadConfig({ TRELLIS_LINK_SECRET: 'x'.repeat(32) }).linkSecret).toBe('x'.repeat(32));
    expect(() => loadConfig({ TRELLIS_LINK_SECRET: 'too-short' })).toThrow(
      new ConfigError('TRELLIS_LINK_SECRET is shorter than 32 characters'),
    );
  });
});
