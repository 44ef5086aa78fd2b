import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secrets every replica must share, such as the key that signs unsubscribe links
 * when TRELLIS_LINK_SECRET is unset. The first process that needs one inserts it
 * (ON CONFLICT DO NOTHING) and every process reads the row that won.
 */
export class LinkSecret1765100000000 implements MigrationInterface {
  name = 'LinkSecret1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE system_secrets (
        name text PRIMARY KEY,
        value bytea NOT NULL CHECK (octet_length(value) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE system_secrets');
  }
}
