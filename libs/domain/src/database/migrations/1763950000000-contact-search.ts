import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the contact listing: newest first by (created_at, id) for keyset
 * pages, and trigrams over the text `q` searches (ContactRepository's SEARCH_TEXT,
 * which must stay the same expression) so a substring search need not scan.
 */
export class ContactSearch1763950000000 implements MigrationInterface {
  name = 'ContactSearch1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // pg_trgm is a trusted extension: the database owner may create it.
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query(`CREATE INDEX contacts_created_idx ON contacts (created_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX contacts_search_trgm_idx ON contacts USING gin ((lower(
         coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' ||
         coalesce(email, '') || ' ' || coalesce(company_name, ''))) gin_trgm_ops)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX contacts_search_trgm_idx');
    await queryRunner.query('DROP INDEX contacts_created_idx');
  }
}
