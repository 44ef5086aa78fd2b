import { Injectable } from '@nestjs/common';
import type { CatalogGroup, CustomFieldDefinition } from '../../../rules/src/index.js';
import { queryRows } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';

/** Reads what rules may refer to: groups, custom fields, tags and segments. */
@Injectable()
export class RuleCatalogRepository {
  async groups(db: Db): Promise<CatalogGroup[]> {
    return queryRows(db, 'SELECT id, name, parent_id AS "parentId" FROM groups');
  }

  async customFields(db: Db): Promise<CustomFieldDefinition[]> {
    const rows = await queryRows<{
      key: string;
      label: string;
      type: CustomFieldDefinition['type'];
      options: string[];
    }>(db, 'SELECT key, label, type, options FROM field_definitions ORDER BY key');
    return rows.map(({ key, label, type, options }) => ({
      key,
      label,
      type,
      ...(type === 'enum' ? { values: options } : {}),
    }));
  }

  async tagNames(db: Db): Promise<string[]> {
    const rows = await queryRows<{ name: string }>(db, 'SELECT name FROM tags ORDER BY name');
    return rows.map((row) => row.name);
  }

  async segments(db: Db): Promise<{ id: string; name: string }[]> {
    return queryRows(db, 'SELECT id, name FROM segments ORDER BY name');
  }
}
