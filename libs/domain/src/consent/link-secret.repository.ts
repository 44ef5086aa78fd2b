import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class LinkSecretRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores the secret under its name unless one is stored already; the first writer wins. */
  async insertIfAbsent(name: string, value: Buffer): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO system_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, value],
    );
  }

  async find(name: string): Promise<Buffer | undefined> {
    const rows: { value: Buffer }[] = await this.dataSource.query(
      'SELECT value FROM system_secrets WHERE name = $1',
      [name],
    );
    return rows[0]?.value;
  }
}
