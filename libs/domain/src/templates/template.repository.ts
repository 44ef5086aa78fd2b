import { Injectable } from '@nestjs/common';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { TemplateError } from '../errors/domain-error.js';
import type {
  NewTemplate,
  Template,
  TemplateContent,
  TemplateKind,
  TemplatePatch,
  TemplateVersion,
  TemplateVersionSummary,
} from './template.js';

const COLUMNS = `t.id, t.name, t.kind, t.description, t.subject, t.preheader, t.body, t.format,
  (SELECT max(v.version) FROM template_versions v WHERE v.template_id = t.id) AS "latestVersion",
  t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

const VERSION_SUMMARY_COLUMNS = `v.id, v.template_id AS "templateId", v.version, v.subject, v.preheader,
  v.body, v.format, v.published_at AS "publishedAt", v.published_by AS "publishedBy"`;

const VERSION_COLUMNS = `${VERSION_SUMMARY_COLUMNS}, v.parts, v.custom_fields AS "customFields"`;

function nameTaken(name: string | undefined): TemplateError {
  return new TemplateError('TEMPLATE_NAME_TAKEN', `a template named "${name}" already exists`, {
    field: 'name',
  });
}

async function translate<T>(work: Promise<T>, name: string | undefined): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (violatedConstraint(error, '23505') === 'templates_name_unique') throw nameTaken(name);
    throw error;
  }
}

/** Templates (with their drafts) and their published versions. Deleted templates are invisible here. */
@Injectable()
export class TemplateRepository {
  async insert(db: Db, template: Required<NewTemplate>): Promise<Template> {
    const [row] = await translate(
      queryRows<{ id: string }>(
        db,
        `INSERT INTO templates (name, kind, description, subject, preheader, body, format)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          template.name,
          template.kind,
          template.description,
          template.subject,
          template.preheader,
          template.body,
          template.format,
        ],
      ),
      template.name,
    );
    return (await this.find(db, row!.id))!;
  }

  async find(db: Db, id: string, lock: 'none' | 'update' = 'none'): Promise<Template | undefined> {
    const rows = await queryRows<Template>(
      db,
      `SELECT ${COLUMNS} FROM templates t WHERE t.id = $1 AND t.deleted_at IS NULL
       ${lock === 'update' ? 'FOR NO KEY UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  async findByName(db: Db, name: string): Promise<Template | undefined> {
    const rows = await queryRows<Template>(
      db,
      `SELECT ${COLUMNS} FROM templates t WHERE lower(t.name) = lower($1) AND t.deleted_at IS NULL`,
      [name],
    );
    return rows[0];
  }

  /** Templates by name; `after` is the lower-cased name and id of the last one seen. */
  async list(
    db: Db,
    kind: TemplateKind | undefined,
    after: { name: string; id: string } | undefined,
    limit: number,
  ): Promise<Template[]> {
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM templates t
       WHERE t.deleted_at IS NULL AND ($1::text IS NULL OR t.kind = $1)
         AND ($2::text IS NULL OR (lower(t.name), t.id) > ($2, $3::uuid))
       ORDER BY lower(t.name), t.id LIMIT $4`,
      [kind ?? null, after?.name ?? null, after?.id ?? null, limit],
    );
  }

  /** Every live template's name and kind: what rules may refer to. */
  async catalog(db: Db): Promise<{ name: string; kind: TemplateKind }[]> {
    return queryRows(db, 'SELECT name, kind FROM templates WHERE deleted_at IS NULL ORDER BY lower(name)');
  }

  /** Drafts whose body may include one of these parts (a text match; the check decides). */
  async draftsMentioning(db: Db, partNames: string[]): Promise<Template[]> {
    if (partNames.length === 0) return [];
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM templates t
       WHERE t.deleted_at IS NULL AND t.body LIKE ANY (SELECT '%' || n || '%' FROM unnest($1::text[]) n)
       ORDER BY t.id FOR NO KEY UPDATE`,
      [partNames],
    );
  }

  async update(db: Db, id: string, patch: TemplatePatch): Promise<void> {
    await translate(
      db.query(
        `UPDATE templates SET
           name = coalesce($2, name),
           description = CASE WHEN $3::boolean THEN $4 ELSE description END,
           subject = coalesce($5, subject),
           preheader = coalesce($6, preheader),
           body = coalesce($7, body),
           format = coalesce($8, format),
           updated_at = now()
         WHERE id = $1`,
        [
          id,
          patch.name ?? null,
          patch.description !== undefined,
          patch.description ?? null,
          patch.subject ?? null,
          patch.preheader ?? null,
          patch.body ?? null,
          patch.format ?? null,
        ],
      ),
      patch.name,
    );
  }

  /** Marks the template deleted; its versions stay, since deliveries refer to them. */
  async softDelete(db: Db, id: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      db,
      'UPDATE templates SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id',
      [id],
    );
    return rows.length > 0;
  }

  async insertVersion(
    db: Db,
    templateId: string,
    content: TemplateContent,
    frozen: Pick<TemplateVersion, 'parts' | 'customFields' | 'publishedBy'>,
  ): Promise<TemplateVersion> {
    const rows = await queryRows<TemplateVersion>(
      db,
      `INSERT INTO template_versions AS v
         (template_id, version, subject, preheader, body, format, parts, custom_fields, published_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8
       FROM template_versions WHERE template_id = $1
       RETURNING ${VERSION_COLUMNS}`,
      [
        templateId,
        content.subject,
        content.preheader,
        content.body,
        content.format,
        JSON.stringify(frozen.parts),
        JSON.stringify(frozen.customFields),
        frozen.publishedBy,
      ],
    );
    return rows[0]!;
  }

  /** Versions of a template, newest first; `beforeVersion` continues a page. */
  async versions(
    db: Db,
    templateId: string,
    beforeVersion: number | undefined,
    limit: number,
  ): Promise<TemplateVersionSummary[]> {
    return queryRows(
      db,
      `SELECT ${VERSION_SUMMARY_COLUMNS} FROM template_versions v
       WHERE v.template_id = $1 AND ($2::int IS NULL OR v.version < $2)
       ORDER BY v.version DESC LIMIT $3`,
      [templateId, beforeVersion ?? null, limit],
    );
  }

  /**
   * The id and number of a version: the pinned one, or the newest when none is
   * pinned. Cheap, so a sender can ask on every send and hit its cache by id.
   */
  async versionRef(
    db: Db,
    templateId: string,
    pinned: number | undefined,
  ): Promise<{ id: string; version: number } | undefined> {
    const rows = await queryRows<{ id: string; version: number }>(
      db,
      `SELECT id, version FROM template_versions
       WHERE template_id = $1 AND ($2::int IS NULL OR version = $2)
       ORDER BY version DESC LIMIT 1`,
      [templateId, pinned ?? null],
    );
    return rows[0];
  }

  /** By template name: the template and the pinned or newest version, if any; one round trip per send. */
  async versionRefByName(
    db: Db,
    name: string,
    pinned: number | undefined,
  ): Promise<
    | {
        templateId: string;
        name: string;
        kind: TemplateKind;
        versionId: string | null;
        version: number | null;
      }
    | undefined
  > {
    const rows = await queryRows<{
      templateId: string;
      name: string;
      kind: TemplateKind;
      versionId: string | null;
      version: number | null;
    }>(
      db,
      `SELECT t.id AS "templateId", t.name, t.kind, v.id AS "versionId", v.version
       FROM templates t
       LEFT JOIN LATERAL (
         SELECT id, version FROM template_versions
         WHERE template_id = t.id AND ($2::int IS NULL OR version = $2)
         ORDER BY version DESC LIMIT 1
       ) v ON true
       WHERE lower(t.name) = lower($1) AND t.deleted_at IS NULL`,
      [name, pinned ?? null],
    );
    return rows[0];
  }

  async findVersion(db: Db, versionId: string): Promise<TemplateVersion | undefined> {
    const rows = await queryRows<TemplateVersion>(
      db,
      `SELECT ${VERSION_COLUMNS} FROM template_versions v WHERE v.id = $1`,
      [versionId],
    );
    return rows[0];
  }
}
