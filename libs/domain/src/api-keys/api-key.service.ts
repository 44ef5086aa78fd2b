import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, type ApiKeyRecord } from './api-key.repository.js';

export const ADMIN_KEY_NAME = 'admin';

/**
 * Keys are 192 random bits, so one SHA-256 is enough to store them safely:
 * a slow password hash only matters for guessable secrets.
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function generateApiKey(): string {
  return `trl_${randomBytes(24).toString('base64url')}`;
}

function displayPrefix(key: string): string {
  return key.slice(0, 8);
}

/**
 * How long a replica trusts a key it has found valid without asking the database
 * again. Every request needs its key checked, and the lookup was one of the eight
 * round trips of a contact upsert; a key revoked or rotated elsewhere stops working
 * within this time. Unknown keys are never remembered, so guessing cannot fill memory.
 */
export const API_KEY_CACHE_MS = 10_000;
const API_KEY_CACHE_ENTRIES = 1_000;

@Injectable()
export class ApiKeyService {
  private readonly recentlyValid = new Map<string, { key: ApiKeyRecord; until: number }>();

  /** The clock the cache expires by; tests replace it. */
  protected now: () => number = Date.now;

  constructor(private readonly keys: ApiKeyRepository) {}

  async authenticate(presentedKey: string): Promise<ApiKeyRecord | undefined> {
    if (presentedKey.length === 0 || presentedKey.length > 200) return undefined;
    const hash = hashApiKey(presentedKey);
    const cacheKey = hash.toString('base64');
    const cached = this.recentlyValid.get(cacheKey);
    if (cached && cached.until > this.now()) return cached.key;
    this.recentlyValid.delete(cacheKey);
    const key = await this.keys.findByHash(hash);
    if (key) {
      if (this.recentlyValid.size >= API_KEY_CACHE_ENTRIES) {
        // Maps iterate in insertion order: the first entry is the oldest.
        this.recentlyValid.delete(this.recentlyValid.keys().next().value!);
      }
      this.recentlyValid.set(cacheKey, { key, until: this.now() + API_KEY_CACHE_MS });
    }
    return key;
  }

  /**
   * Makes sure an admin key exists. A configured key always wins; otherwise one
   * is generated on the very first start and returned exactly once, for printing.
   * Concurrent replicas race on a unique name, so only one of them prints.
   */
  async ensureAdminKey(configuredKey: string | undefined): Promise<{ generatedKey?: string }> {
    if (configuredKey) {
      await this.keys.upsertByName(ADMIN_KEY_NAME, hashApiKey(configuredKey), displayPrefix(configuredKey));
      return {};
    }
    const candidate = generateApiKey();
    const inserted = await this.keys.insertIfNameAbsent(
      ADMIN_KEY_NAME,
      hashApiKey(candidate),
      displayPrefix(candidate),
    );
    return inserted ? { generatedKey: candidate } : {};
  }
}
