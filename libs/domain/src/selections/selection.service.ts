import { Injectable } from '@nestjs/common';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { Transactions, type Db } from '../database/transactions.js';
import { SelectionError } from '../errors/domain-error.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { RuleCatalogService, type LoadedCatalog } from '../rules/rule-catalog.service.js';
import { referencedSelections } from '../rules/stored-condition.js';
import type { SavedSelection, Selection, StoredSelection } from './selection.js';
import { SelectionRepository } from './selection.repository.js';
import { checkSelectionText, currentSource, selectionNameOf } from './selection-rules.js';

export function selectionNotFound(id: string): SelectionError {
  return new SelectionError('SELECTION_NOT_FOUND', `no selection ${id}`, { selectionId: id });
}

function nameTaken(name: string): SelectionError {
  return new SelectionError('SELECTION_NAME_TAKEN', `a selection named "${name}" already exists`, {
    field: 'name',
  });
}

function view(stored: StoredSelection, loaded: LoadedCatalog): Selection {
  return {
    id: stored.id,
    name: stored.name,
    source: currentSource(stored, loaded),
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

/**
 * Saved selections: rule text checked against the live catalog and stored with its
 * checked form. Saves run one at a time (SelectionRepository.lockWrites), so the loop
 * check between selections always sees the others as committed.
 */
@Injectable()
export class SelectionService {
  constructor(
    private readonly transactions: Transactions,
    private readonly selections: SelectionRepository,
    private readonly catalogs: RuleCatalogService,
  ) {}

  async create(source: string): Promise<SavedSelection> {
    return this.transactions.run(async (db) => {
      await this.selections.lockWrites(db);
      const loaded = await this.catalogs.load(db);
      this.refuseTakenName(source, loaded);
      const checked = checkSelectionText(source, loaded);
      const stored = await this.selections.insert(db, {
        name: checked.name,
        source,
        checked: checked.condition,
      });
      return { ...view(stored, loaded), source, diagnostics: checked.diagnostics };
    });
  }

  /** New text, possibly with a new name; a selection others refer to keeps its name. */
  async update(id: string, source: string): Promise<SavedSelection> {
    return this.transactions.run(async (db) => {
      await this.selections.lockWrites(db);
      const loaded = await this.catalogs.load(db);
      const existing = loaded.selections.find((selection) => selection.id === id);
      if (!existing) throw selectionNotFound(id);
      this.refuseTakenName(source, loaded, id);
      const checked = checkSelectionText(source, loaded);
      if (checked.name !== existing.name) this.refuseIfReferenced(existing, loaded, 'renamed');
      const stored = await this.selections.update(db, id, {
        name: checked.name,
        source,
        checked: checked.condition,
      });
      return { ...view(stored!, loaded), source, diagnostics: checked.diagnostics };
    });
  }

  async delete(id: string): Promise<void> {
    await this.transactions.run(async (db) => {
      await this.selections.lockWrites(db);
      const loaded = await this.catalogs.load(db);
      const existing = loaded.selections.find((selection) => selection.id === id);
      if (!existing) throw selectionNotFound(id);
      this.refuseIfReferenced(existing, loaded, 'deleted');
      await this.selections.delete(db, id);
    });
  }

  async get(id: string): Promise<Selection> {
    const loaded = await this.catalogs.load();
    const stored = loaded.selections.find((selection) => selection.id === id);
    if (!stored) throw selectionNotFound(id);
    return view(stored, loaded);
  }

  async list(request: PageRequest): Promise<Page<Selection>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('selections', request.cursor, ['text'])?.[0];
    const db: Db = this.transactions.pool;
    const rows = await this.selections.list(db, after, limit + 1);
    const loaded = await this.catalogs.load(db);
    return toPage(
      rows.map((row) => view(row, loaded)),
      limit,
      'selections',
      (selection) => [selection.name],
    );
  }

  /** Checked before the rule itself: the text would otherwise replace the other selection while checking. */
  private refuseTakenName(source: string, loaded: LoadedCatalog, ownId?: string): void {
    const name = selectionNameOf(source);
    if (loaded.selections.some((selection) => selection.name === name && selection.id !== ownId)) {
      throw nameTaken(name!);
    }
  }

  private refuseIfReferenced(selection: StoredSelection, loaded: LoadedCatalog, change: string): void {
    const users = loaded.selections.filter(
      (other) => other.id !== selection.id && referencedSelections(other.checked).includes(selection.name),
    );
    if (users.length === 0) return;
    throw new SelectionError(
      'SELECTION_IN_USE',
      `the selection "${selection.name}" cannot be ${change}: ${users.map((u) => `"${u.name}"`).join(', ')} ${users.length === 1 ? 'uses' : 'use'} it`,
      { selectionId: selection.id, usedBy: users.map((u) => ({ id: u.id, name: u.name })) },
    );
  }
}
