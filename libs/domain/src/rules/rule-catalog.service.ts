import { Inject, Injectable } from '@nestjs/common';
import { GroupIndex, relinkCondition, type Catalog, type SavedSelection } from '../../../rules/src/index.js';
import { Transactions, type Db } from '../database/transactions.js';
import type { StoredSelection } from '../selections/selection.js';
import { SelectionRepository } from '../selections/selection.repository.js';
import { AUTOMATION_CATALOG, type AutomationCatalog } from './automation-catalog.js';
import { RuleCatalogRepository } from './rule-catalog.repository.js';
import { conditionFromChecked, type CurrentNames } from './stored-condition.js';

/** A catalog with the lookups that were built for it. */
export interface LoadedCatalog {
  catalog: Catalog;
  groups: GroupIndex;
  names: CurrentNames;
  selections: StoredSelection[];
}

/**
 * Builds the libs/rules Catalog from the database. Saved selections enter it by
 * reference (see conditionFromChecked), so a rule that uses one follows its current
 * definition and today's group tree; one whose group was deleted enters as its stored
 * checked form, and the checker reports the missing group.
 */
@Injectable()
export class RuleCatalogService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: RuleCatalogRepository,
    private readonly selections: SelectionRepository,
    @Inject(AUTOMATION_CATALOG) private readonly automation: AutomationCatalog,
  ) {}

  /** Reads on `db` (a transaction that must see its own writes) or the pool. */
  async load(db: Db = this.transactions.pool): Promise<LoadedCatalog> {
    const groupRows = await this.repository.groups(db);
    const customFields = await this.repository.customFields(db);
    const tags = await this.repository.tagNames(db);
    const segments = await this.repository.segments(db);
    const stored = await this.selections.all(db);
    const [templates, sequences] = await Promise.all([
      this.automation.templates(),
      this.automation.sequences(),
    ]);
    const groups = new GroupIndex(groupRows);
    const names: CurrentNames = { segments: new Map(segments.map((segment) => [segment.id, segment.name])) };
    const selections = stored.map((selection): SavedSelection => {
      const { condition, problems } = relinkCondition(selection.checked, groups);
      return problems.length
        ? { name: selection.name, checked: selection.checked }
        : { name: selection.name, condition: conditionFromChecked(condition, names) };
    });
    return {
      catalog: { groups: groupRows, customFields, tags, segments, selections, templates, sequences },
      groups,
      names,
      selections: stored,
    };
  }
}
