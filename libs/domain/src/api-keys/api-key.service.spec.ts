import { describe, expect, it } from '@jest/globals';
import type { ApiKeyRecord, ApiKeyRepository } from './api-key.repository.js';
import { API_KEY_CACHE_MS, ApiKeyService, hashApiKey } from './api-key.service.js';

/** A key table in memory that counts lookups, and a clock the test moves. */
function setup() {
  const rows = new Map<string, ApiKeyRecord>();
  let lookups = 0;
  const repository = {
    findByHash: async (hash: Buffer) => {
      lookups++;
      return rows.get(hash.toString('hex'));
    },
  } as unknown as ApiKeyRepository;
  let time = 1_000_000;
  class ClockedApiKeyService extends ApiKeyService {
    protected override now = () => time;
  }
  return {
    service: new ClockedApiKeyService(repository),
    store: (key: string, record: ApiKeyRecord) => rows.set(hashApiKey(key).toString('hex'), record),
    revoke: (key: string) => rows.delete(hashApiKey(key).toString('hex')),
    lookups: () => lookups,
    advance: (ms: number) => (time += ms),
  };
}

describe('ApiKeyService.authenticate', () => {
  it('asks the database once per key and cache period, and sees a revocation after it', async () => {
    const keys = setup();
    keys.store('trl_valid', { id: 'k1', name: 'admin' });
    expect(await keys.service.authenticate('trl_valid')).toEqual({ id: 'k1', name: 'admin' });
    expect(await keys.service.authenticate('trl_valid')).toEqual({ id: 'k1', name: 'admin' });
    expect(keys.lookups()).toBe(1);

    keys.revoke('trl_valid');
    keys.advance(API_KEY_CACHE_MS - 1);
    expect(await keys.service.authenticate('trl_valid')).toEqual({ id: 'k1', name: 'admin' });
    keys.advance(1);
    expect(await keys.service.authenticate('trl_valid')).toBeUndefined();
    expect(keys.lookups()).toBe(2);
  });

  it('never remembers an unknown key, so a key created later works at once', async () => {
    const keys = setup();
    expect(await keys.service.authenticate('trl_later')).toBeUndefined();
    keys.store('trl_later', { id: 'k2', name: 'integration' });
    expect(await keys.service.authenticate('trl_later')).toEqual({ id: 'k2', name: 'integration' });
    expect(keys.lookups()).toBe(2);
  });

  it('refuses empty and oversized keys without a lookup', async () => {
    const keys = setup();
    expect(await keys.service.authenticate('')).toBeUndefined();
    expect(await keys.service.authenticate('x'.repeat(201))).toBeUndefined();
    expect(keys.lookups()).toBe(0);
  });
});
