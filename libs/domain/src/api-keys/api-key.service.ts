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

@Injectable()
export class ApiKeyService {
  constructor(private readonly keys: ApiKeyRepository) {}

  async authenticate(presentedKey: string): Promise<ApiKeyRecord | undefined> {
    if (presentedKey.length === 0 || presentedKey.length > 200) return undefined;
    return this.keys.findByHash(hashApiKey(presentedKey));
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
