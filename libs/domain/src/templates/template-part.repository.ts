import { Injectable } from '@nestjs/common';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { TemplateError } from '../errors/domain-error.js';
import type { NewTemplatePart, TemplatePart, TemplatePartPatch } from './template.js';

const COLUMNS = `p.id, p.name, p.kind, p.description, p.content,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

/** Shared template parts (partials and layouts), looked up by name when a template is checked. */
@Injectable()
export class TemplatePartRepository {
  async insert(db: Db, part: Required<NewTemplatePart>): Promise<TemplatePart> {
    try {
      const rows = await queryRows<TemplatePart>(
        db,
        `INSERT INTO template_parts AS p (name, kind, description, content) VALUES ($1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [part.name, part.kind, part.description, part.content],
      );
      return rows[0]!;
    } catch (error) {
      if (violatedConstraint(error, '23505') !== undefined) {
        throw new TemplateError(
          'TEMPLATE_PART_NAME_TAKEN',
          `a template part named "${part.name}" already exists`,
          {
            field: 'name',
          },
        );
      }
      throw error;
    }
  }

  async find(db: Db, id: string, lock: 'none' | 'update' = 'none'): Promise<TemplatePart | undefined> {
    const rows = await queryRows<TemplatePart>(
      db,
      `SELECT ${COLUMNS} FROM template_parts p WHERE p.id = $1 ${lock === 'update' ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  /**
   * The parts of these names that exist, as name → content. `share` holds off
   * changes to them until the caller's transaction ends, so a template checked
   * against them is saved against the same text.
   */
  async contentsByName(
    db: Db,
    names: string[],
    lock: 'none' | 'share' = 'none',
  ): Promise<Record<string, string>> {
    if (names.length === 0) return {};
    const rows = await queryRows<{ name: string; content: string }>(
      db,
      `SELECT name, content FROM template_parts WHERE name = ANY($1::text[]) ORDER BY name
       ${lock === 'share' ? 'FOR SHARE' : ''}`,
      [names],
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.content]));
  }

  /** Every part as name → content: templates are checked against all, so unknown names get suggestions. */
  async allContents(db: Db): Promise<Record<string, string>> {
    const rows = await queryRows<{ name: string; content: string }>(
      db,
      'SELECT name, content FROM template_parts ORDER BY name',
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.content]));
  }

  async list(db: Db, afterName: string | undefined, limit: number): Promise<TemplatePart[]> {
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM template_parts p WHERE $1::text IS NULL OR p.name > $1 ORDER BY p.name LIMIT $2`,
      [afterName ?? null, limit],
    );
  }

  async update(db: Db, id: string, patch: TemplatePartPatch): Promise<TemplatePart> {
    const rows = await queryRows<TemplatePart>(
      db,
      `UPDATE template_parts p SET
         description = CASE WHEN $2::boolean THEN $3 ELSE description END,
         content = coalesce($4, content),
         updated_at = now()
       WHERE p.id = $1 RETURNING ${COLUMNS}`,
      [id, patch.description !== undefined, patch.description ?? null, patch.content ?? null],
    );
    return rows[0]!;
  }

  async delete(db: Db, id: string): Promise<void> {
    await db.query('DELETE FROM template_parts WHERE id = $1', [id]);
  }
}
