import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The automation engine: automations written in the rule language with immutable
 * compiled versions, one row per entry of a contact into a sequence (re-entry
 * policies, loop guard, progress for stats), the delivery ledger that makes a
 * retried send a no-op, and the relay's durable position in the event log with
 * the Temporal commands it decided.
 */
export class AutomationEngine1764555000000 implements MigrationInterface {
  name = 'AutomationEngine1764555000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE automations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        source text NOT NULL,
        active_version_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX automations_name_unique ON automations (lower(name))`,
      `CREATE TABLE automation_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        automation_id uuid NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        source text NOT NULL,
        definitions jsonb NOT NULL,
        exit_on_leaving_start_group boolean NOT NULL DEFAULT false,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (automation_id, version)
      )`,
      `ALTER TABLE automations ADD CONSTRAINT automations_active_version_fkey
        FOREIGN KEY (active_version_id) REFERENCES automation_versions (id)`,

      // No foreign key to contacts: an erased contact's running entries must still
      // be found to stop them. The rows hold nothing personal beyond the id.
      `CREATE TABLE sequence_entries (
        workflow_id text PRIMARY KEY,
        sequence_name text NOT NULL,
        contact_id uuid NOT NULL,
        automation_version_id uuid NOT NULL REFERENCES automation_versions (id),
        trigger_event_seq bigint NOT NULL,
        depth integer NOT NULL CHECK (depth >= 1),
        start_group_id uuid,
        exit_on_leaving_start_group boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'running'
          CHECK (status IN ('running', 'waiting', 'completed', 'stopped')),
        current_step integer NOT NULL DEFAULT 0,
        next_wake_up_at timestamptz,
        stop_reason text,
        entered_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        UNIQUE (sequence_name, contact_id, trigger_event_seq)
      )`,
      `CREATE INDEX sequence_entries_contact_idx ON sequence_entries (contact_id, sequence_name, entered_at DESC)`,
      `CREATE INDEX sequence_entries_open_idx ON sequence_entries (contact_id)
        WHERE status IN ('running', 'waiting')`,
      `CREATE INDEX sequence_entries_stats_idx ON sequence_entries (sequence_name, status, current_step)`,

      `CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL UNIQUE,
        channel text NOT NULL CHECK (channel IN ('email', 'letter')),
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        workflow_id text,
        sequence_name text,
        step_index integer,
        template_name text NOT NULL,
        template_version integer,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
        attempts integer NOT NULL DEFAULT 0,
        message_id text,
        error text,
        document bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT deliveries_letter_document CHECK (channel = 'letter' OR document IS NULL)
      )`,
      `CREATE INDEX deliveries_contact_idx ON deliveries (contact_id, created_at DESC)`,
      `CREATE INDEX deliveries_sequence_idx ON deliveries (sequence_name, status) WHERE sequence_name IS NOT NULL`,

      // The relay reads in (tx_id, seq) order below the oldest running transaction.
      `CREATE INDEX domain_events_relay_idx ON domain_events (tx_id, seq)`,
      `CREATE TABLE relay_positions (
        name text PRIMARY KEY,
        tx_id xid8 NOT NULL,
        seq bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Starts and signals decided by the relay, executed against Temporal after they
      // commit: a decision is never lost, and a workflow never sees an uncommitted entry.
      `CREATE TABLE automation_commands (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('start', 'signal')),
        workflow_id text NOT NULL,
        payload jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Starts after the events already logged: history before the engine existed triggers nothing.
      `INSERT INTO relay_positions (name, tx_id, seq)
       SELECT 'automation', COALESCE(last.tx_id, '0'::xid8), COALESCE(last.seq, 0)
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT tx_id, seq FROM domain_events ORDER BY tx_id DESC, seq DESC LIMIT 1) last ON true`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE automation_commands');
    await queryRunner.query('DROP TABLE relay_positions');
    await queryRunner.query('DROP INDEX domain_events_relay_idx');
    await queryRunner.query('DROP TABLE deliveries');
    await queryRunner.query('DROP TABLE sequence_entries');
    await queryRunner.query('ALTER TABLE automations DROP CONSTRAINT automations_active_version_fkey');
    await queryRunner.query('DROP TABLE automation_versions');
    await queryRunner.query('DROP TABLE automations');
  }
}
