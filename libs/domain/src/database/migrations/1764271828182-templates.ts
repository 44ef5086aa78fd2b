import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email and letter templates: a draft per template, immutable published versions,
 * shared parts (partials and layouts) referenced by name, and the sender block.
 *
 * A version holds everything its compile reads (sources, the parts it uses, the
 * custom field schema), so later edits of parts or fields never change what a
 * published version renders. A trigger refuses any UPDATE of a version.
 */
export class Templates1764271828182 implements MigrationInterface {
  name = 'Templates1764271828182';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE template_parts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z][A-Za-z0-9_-]{0,63}$'),
        kind text NOT NULL CHECK (kind IN ('partial', 'layout')),
        description text,
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,

      `CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('email', 'letter')),
        description text,
        subject text NOT NULL,
        preheader text NOT NULL DEFAULT '',
        body text NOT NULL,
        format text CHECK (format IN ('A4', 'Letter')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT templates_format_of_letters CHECK ((kind = 'letter') = (format IS NOT NULL))
      )`,
      // Deleted templates keep their versions (deliveries will point at them) and free their name.
      `CREATE UNIQUE INDEX templates_name_unique ON templates (lower(name)) WHERE deleted_at IS NULL`,

      `CREATE TABLE template_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        template_id uuid NOT NULL REFERENCES templates (id),
        version integer NOT NULL CHECK (version >= 1),
        subject text NOT NULL,
        preheader text NOT NULL,
        body text NOT NULL,
        format text CHECK (format IN ('A4', 'Letter')),
        parts jsonb NOT NULL,
        custom_fields jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text NOT NULL,
        CONSTRAINT template_versions_number_unique UNIQUE (template_id, version)
      )`,
      `CREATE FUNCTION refuse_template_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'published template versions are immutable';
       END
       $$`,
      `CREATE TRIGGER template_versions_immutable BEFORE UPDATE ON template_versions
       FOR EACH ROW EXECUTE FUNCTION refuse_template_version_update()`,

      // One row: the sender block every mail footer and letterhead shows.
      `CREATE TABLE sender_profile (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        street text,
        postal_code text,
        city text,
        country text,
        email text,
        phone text,
        website text,
        legal_notice text,
        language text,
        time_zone text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `INSERT INTO sender_profile (name) VALUES ('Trellis')`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['sender_profile', 'template_versions', 'templates', 'template_parts']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query('DROP FUNCTION refuse_template_version_update()');
  }
}
