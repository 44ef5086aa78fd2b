import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ApiKeyRecord {
  id: string;
  name: string;
}

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByHash(keyHash: Buffer): Promise<ApiKeyRecord | undefined> {
    const rows: ApiKeyRecord[] = await this.dataSource.query(
      'SELECT id, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    return rows[0];
  }

  /** Inserts the named key unless one of that name exists; true when this call inserted it. */
  async insertIfNameAbsent(name: string, keyHash: Buffer, prefix: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO api_keys (name, key_hash, prefix) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, keyHash, prefix],
    );
    return rows.length === 1;
  }

  /** Points the named key at a new secret, creating it if needed. */
  async upsertByName(name: string, keyHash: Buffer, prefix: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO api_keys (name, key_hash, prefix) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET key_hash = EXCLUDED.key_hash, prefix = EXCLUDED.prefix, revoked_at = NULL`,
      [name, keyHash, prefix],
    );
  }
}
