import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved selections: the rule text as written and its checked form. The checked form
 * refers to groups and segments by id, so a selection keeps working after a group is
 * renamed or moved; the text is what people edit and read.
 */
export class Selections1764031000000 implements MigrationInterface {
  name = 'Selections1764031000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE selections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CONSTRAINT selections_name_unique UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
      source text NOT NULL,
      checked jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE selections');
  }
}
