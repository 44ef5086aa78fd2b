import { Injectable } from '@nestjs/common';
import type { SequenceDefinition } from '../../../rules/src/index.js';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import type { ActiveAutomation, Automation, AutomationVersion } from './automation.js';

const AUTOMATION = `a.id, a.name, a.source, a.active_version_id AS "activeVersionId",
  v.version AS "activeVersion", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;
const FROM_AUTOMATION = `automations a LEFT JOIN automation_versions v ON v.id = a.active_version_id`;
const VERSION = `id, automation_id AS "automationId", version, source, definitions,
  exit_on_leaving_start_group AS "exitOnLeavingStartGroup", created_by AS "createdBy", created_at AS "createdAt"`;

/** Automations (rule text) and their immutable compiled versions. */
@Injectable()
export class AutomationRepository {
  async insert(db: Db, automation: { name: string; source: string }): Promise<Automation> {
    const [row] = await queryRows<{ id: string }>(
      db,
      `INSERT INTO automations (name, source) VALUES ($1, $2) RETURNING id`,
      [automation.name, automation.source],
    );
    return (await this.find(db, row!.id))!;
  }

  async find(db: Db, id: string, options: { lock?: boolean } = {}): Promise<Automation | undefined> {
    if (options.lock) await db.query(`SELECT 1 FROM automations WHERE id = $1 FOR UPDATE`, [id]);
    const rows = await queryRows<Automation>(
      db,
      `SELECT ${AUTOMATION} FROM ${FROM_AUTOMATION} WHERE a.id = $1`,
      [id],
    );
    return rows[0];
  }

  async list(db: Db): Promise<Automation[]> {
    return queryRows<Automation>(
      db,
      `SELECT ${AUTOMATION} FROM ${FROM_AUTOMATION} ORDER BY lower(a.name), a.id`,
    );
  }

  async update(db: Db, id: string, patch: { name?: string; source?: string }): Promise<void> {
    await db.query(
      `UPDATE automations SET name = COALESCE($2, name), source = COALESCE($3, source), updated_at = now()
       WHERE id = $1`,
      [id, patch.name ?? null, patch.source ?? null],
    );
  }

  async delete(db: Db, id: string): Promise<void> {
    await db.query(`DELETE FROM automations WHERE id = $1`, [id]);
  }

  async insertVersion(
    db: Db,
    version: Omit<AutomationVersion, 'id' | 'version' | 'createdAt'>,
  ): Promise<AutomationVersion> {
    const [row] = await queryRows<AutomationVersion>(
      db,
      `INSERT INTO automation_versions (automation_id, version, source, definitions, exit_on_leaving_start_group, created_by)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5 FROM automation_versions WHERE automation_id = $1
       RETURNING ${VERSION}`,
      [
        version.automationId,
        version.source,
        JSON.stringify(version.definitions),
        version.exitOnLeavingStartGroup,
        version.createdBy,
      ],
    );
    return row!;
  }

  async setActiveVersion(db: Db, automationId: string, versionId: string | null): Promise<void> {
    await db.query(`UPDATE automations SET active_version_id = $2, updated_at = now() WHERE id = $1`, [
      automationId,
      versionId,
    ]);
  }

  async versions(db: Db, automationId: string): Promise<AutomationVersion[]> {
    return queryRows<AutomationVersion>(
      db,
      `SELECT ${VERSION} FROM automation_versions WHERE automation_id = $1 ORDER BY version DESC`,
      [automationId],
    );
  }

  async version(db: Db, automationId: string, version: number): Promise<AutomationVersion | undefined> {
    const rows = await queryRows<AutomationVersion>(
      db,
      `SELECT ${VERSION} FROM automation_versions WHERE automation_id = $1 AND version = $2`,
      [automationId, version],
    );
    return rows[0];
  }

  /** The active version of every active automation: what the relay matches events against. */
  async active(db: Db): Promise<ActiveAutomation[]> {
    return queryRows<ActiveAutomation>(
      db,
      `SELECT a.id AS "automationId", a.name, v.id AS "versionId", v.version,
         v.definitions, v.exit_on_leaving_start_group AS "exitOnLeavingStartGroup"
       FROM automations a JOIN automation_versions v ON v.id = a.active_version_id
       ORDER BY a.created_at, a.id`,
    );
  }

  /** Sequences defined by active automations other than the one given. */
  async activeSequenceNames(
    db: Db,
    exceptAutomationId?: string,
  ): Promise<{ name: string; automation: string }[]> {
    return queryRows<{ name: string; automation: string }>(
      db,
      `SELECT s ->> 'name' AS name, a.name AS automation
       FROM automations a JOIN automation_versions v ON v.id = a.active_version_id,
         jsonb_array_elements(v.definitions -> 'sequences') AS s
       WHERE $1::uuid IS NULL OR a.id <> $1::uuid
       ORDER BY 1`,
      [exceptAutomationId ?? null],
    );
  }

  /** Serialises activations, so two never claim the same sequence name at once. */
  async lockActivation(db: Db): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(7463022)`);
  }

  /** A sequence's definition: from the active version that has it, else the newest version that had it. */
  async sequenceDefinition(db: Db, name: string): Promise<SequenceDefinition | undefined> {
    const rows = await queryRows<{ sequence: SequenceDefinition }>(
      db,
      `SELECT s AS sequence
       FROM automation_versions v JOIN automations a ON a.id = v.automation_id,
         jsonb_array_elements(v.definitions -> 'sequences') AS s
       WHERE s ->> 'name' = $1
       ORDER BY (a.active_version_id = v.id) DESC NULLS LAST, v.created_at DESC
       LIMIT 1`,
      [name],
    );
    return rows[0]?.sequence;
  }
}
