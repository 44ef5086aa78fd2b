import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CRM core: contacts, the group tree with a closure table, memberships, tags,
 * segments, the custom field schema and the append-only domain event log.
 *
 * Group storage: the adjacency list (`groups.parent_id`) stays the source of truth
 * and `group_closure` holds every (ancestor, descendant) pair, maintained in the
 * same transaction. bench/groups measures both shapes; the closure table turns
 * "member of X or any subgroup" into one indexed join without recursion.
 */
export class ContactsAndGroups1763900000000 implements MigrationInterface {
  name = 'ContactsAndGroups1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`,

      `CREATE TABLE field_definitions (
        key text PRIMARY KEY,
        label text NOT NULL,
        type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean', 'enum')),
        options text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`,

      `CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('person', 'company')),
        email text,
        first_name text,
        last_name text,
        company_name text,
        phone text,
        street text,
        postal_code text,
        city text,
        country text,
        language text,
        time_zone text,
        consent text NOT NULL DEFAULT 'unknown' CHECK (consent IN ('unknown', 'subscribed', 'unsubscribed')),
        responsible_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        company_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
        custom jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contacts_person_has_email CHECK (kind = 'company' OR email IS NOT NULL)
      )`,
      `CREATE UNIQUE INDEX contacts_person_email_unique ON contacts (lower(email)) WHERE kind = 'person'`,
      `CREATE INDEX contacts_company_email_idx ON contacts (lower(email)) WHERE kind = 'company'`,
      `CREATE INDEX contacts_company_id_idx ON contacts (company_id) WHERE company_id IS NOT NULL`,
      `CREATE INDEX contacts_responsible_user_idx ON contacts (responsible_user_id) WHERE responsible_user_id IS NOT NULL`,

      `CREATE TABLE group_closure (
        ancestor_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        descendant_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        depth integer NOT NULL CHECK (depth >= 0),
        PRIMARY KEY (ancestor_id, descendant_id)
      )`,
      `CREATE INDEX group_closure_descendant_idx ON group_closure (descendant_id, ancestor_id)`,
      `INSERT INTO group_closure (ancestor_id, descendant_id, depth)
       WITH RECURSIVE walk AS (
         SELECT id AS ancestor_id, id AS descendant_id, 0 AS depth FROM groups
         UNION ALL
         SELECT walk.ancestor_id, child.id, walk.depth + 1
         FROM walk JOIN groups child ON child.parent_id = walk.descendant_id
       )
       SELECT ancestor_id, descendant_id, depth FROM walk`,

      `CREATE TABLE group_memberships (
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by text NOT NULL,
        source text NOT NULL CHECK (source IN ('api', 'import', 'form', 'automation')),
        PRIMARY KEY (contact_id, group_id)
      )`,
      `CREATE INDEX group_memberships_group_idx ON group_memberships (group_id, contact_id)`,

      `CREATE TABLE tags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX tags_name_unique ON tags (lower(name))`,
      `CREATE TABLE contact_tags (
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        tag_id uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        tagged_at timestamptz NOT NULL DEFAULT now(),
        tagged_by text NOT NULL,
        PRIMARY KEY (contact_id, tag_id)
      )`,
      `CREATE INDEX contact_tags_tag_idx ON contact_tags (tag_id, contact_id)`,

      `CREATE TABLE segments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        description text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE segment_members (
        segment_id uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (segment_id, contact_id)
      )`,
      `CREATE INDEX segment_members_contact_idx ON segment_members (contact_id)`,

      // seq orders events; tx_id lets a consumer read only below the oldest
      // still-running transaction, so an event that commits late is never skipped.
      `CREATE TABLE domain_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        contact_id uuid,
        actor text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}'::jsonb
      )`,
      `CREATE INDEX domain_events_contact_idx ON domain_events (contact_id, seq) WHERE contact_id IS NOT NULL`,
      // NOTIFY is delivered on commit, and identical notifications of one transaction fold into one.
      `CREATE FUNCTION notify_domain_events() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('trellis_domain_events', '');
         RETURN NULL;
       END
       $$`,
      `CREATE TRIGGER domain_events_notify AFTER INSERT ON domain_events
       FOR EACH STATEMENT EXECUTE FUNCTION notify_domain_events()`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'domain_events',
      'segment_members',
      'segments',
      'contact_tags',
      'tags',
      'group_memberships',
      'group_closure',
      'contacts',
      'field_definitions',
      'users',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query('DROP FUNCTION notify_domain_events()');
  }
}
