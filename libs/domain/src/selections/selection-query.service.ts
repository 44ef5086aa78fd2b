import { Injectable } from '@nestjs/common';
import {
  compileSelection,
  explain,
  formatExplanation,
  type CheckedCondition,
  type CompiledSelection,
  type CompileSelectionOptions,
} from '../../../rules/src/index.js';
import type { Contact } from '../contacts/contact.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { Transactions } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { RuleCatalogService } from '../rules/rule-catalog.service.js';
import type {
  SelectionEvaluation,
  SelectionExplanation,
  SelectionQueryOptions,
  SelectionTarget,
} from './selection.js';
import { SelectionQueryRepository } from './selection-query.repository.js';
import { checkSelectionText, checkStored } from './selection-rules.js';
import { runsAsJoins } from './selection-plan.js';
import { selectionNotFound } from './selection.service.js';

/** Longest a selection query may run for an interactive request, and per chunk of a bulk action. */
const STATEMENT_TIMEOUT_MS = 30_000;
/** Contacts per chunk when resolving a whole selection, e.g. for a bulk action. */
export const DEFAULT_RESOLVE_CHUNK_SIZE = 500;

const LISTING = 'selection-contacts';

function scoped(options: SelectionQueryOptions): CompileSelectionOptions {
  return options.scope ? { scope: options.scope } : {};
}

function settingsFor(condition: CheckedCondition) {
  return { timeoutMs: STATEMENT_TIMEOUT_MS, hashedSubplans: !runsAsJoins(condition) };
}

export interface ResolveOptions extends SelectionQueryOptions {
  /** Ids per chunk; default DEFAULT_RESOLVE_CHUNK_SIZE. */
  chunkSize?: number;
}

/**
 * Runs selections against the contacts: counts, pages, explanations, and every id of
 * a selection in chunks for bulk actions. Each method takes the access scope hook
 * (`options.scope`); nothing passes one yet.
 */
@Injectable()
export class SelectionQueryService {
  constructor(
    private readonly transactions: Transactions,
    private readonly catalogs: RuleCatalogService,
    private readonly queries: SelectionQueryRepository,
  ) {}

  /** The checked condition of rule text or of a saved selection, as of now. */
  async conditionOf(target: SelectionTarget): Promise<CheckedCondition> {
    const loaded = await this.catalogs.load();
    if ('source' in target) return checkSelectionText(target.source, loaded).condition;
    const stored = loaded.selections.find((selection) => selection.id === target.selectionId);
    if (!stored) throw selectionNotFound(target.selectionId);
    return checkStored(stored, loaded);
  }

  /**
   * The condition of a saved selection by name, as it reads now; undefined when no
   * selection has that name (any more).
   */
  async conditionOfSelectionNamed(name: string): Promise<CheckedCondition | undefined> {
    const loaded = await this.catalogs.load();
    const stored = loaded.selections.find((selection) => selection.name === name);
    return stored ? checkStored(stored, loaded) : undefined;
  }

  /** One page of the contact ids a condition matches, in id order, with relative dates as of `now`. */
  async idsPage(
    condition: CheckedCondition,
    page: { now: Date; after: string | undefined; limit: number },
    options: SelectionQueryOptions = {},
  ): Promise<string[]> {
    const compiled = compileSelection(condition, { ...scoped(options), now: page.now });
    return this.transactions.run(async (db) => {
      await this.queries.prepare(db, settingsFor(condition));
      return this.queries.ids(db, compiled, page.after, page.limit);
    });
  }

  /** How many contacts match, and the first page of them, in one snapshot. */
  async evaluate(
    target: SelectionTarget,
    request: PageRequest = {},
    options: SelectionQueryOptions = {},
  ): Promise<SelectionEvaluation> {
    const started = performance.now();
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor(LISTING, request.cursor, ['uuid'])?.[0];
    const condition = await this.conditionOf(target);
    const compiled = compileSelection(condition, scoped(options));
    const { count, rows } = await this.transactions.run(async (db) => {
      await this.queries.prepare(db, settingsFor(condition));
      return {
        count: await this.queries.count(db, compiled),
        rows: await this.queries.contacts(db, compiled, after, limit + 1),
      };
    });
    const page = toPage(rows, limit, LISTING, (contact) => [contact.id]);
    return {
      count,
      contacts: page.items,
      nextCursor: page.nextCursor,
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /** The contacts of a saved selection, by id, with the project's keyset cursors. */
  async contacts(
    selectionId: string,
    request: PageRequest,
    options: SelectionQueryOptions = {},
  ): Promise<Page<Contact>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor(LISTING, request.cursor, ['uuid'])?.[0];
    const condition = await this.conditionOf({ selectionId });
    const compiled = compileSelection(condition, scoped(options));
    const rows = await this.transactions.run(async (db) => {
      await this.queries.prepare(db, settingsFor(condition));
      return this.queries.contacts(db, compiled, after, limit + 1);
    });
    return toPage(rows, limit, LISTING, (contact) => [contact.id]);
  }

  /** Why the selection does or does not match one contact, clause by clause. */
  async explain(
    target: SelectionTarget,
    contactId: string,
    options: SelectionQueryOptions = {},
  ): Promise<SelectionExplanation> {
    const condition = await this.conditionOf(target);
    const db = this.transactions.pool;
    const visible = options.scope ? await this.queries.isInScope(db, options.scope, contactId) : true;
    const facts = visible ? await this.queries.facts(db, contactId) : undefined;
    if (!facts) {
      throw new ContactError('CONTACT_NOT_FOUND', `no contact ${contactId}`, { contactId });
    }
    const explanation = explain(condition, facts, { now: new Date() });
    return {
      matches: explanation.result,
      explanation,
      lines: formatExplanation(explanation).split('\n'),
    };
  }

  /**
   * Every contact id a selection matches, in chunks in id order, for bulk actions. The
   * rule is checked before this returns (RULE_INVALID, SELECTION_NOT_FOUND and
   * SELECTION_BROKEN are thrown here, before any chunk), and "now" is fixed at that
   * moment so relative dates mean the same for every chunk. Each chunk is a short
   * transaction of its own continuing after the last id, so none stays open while the
   * caller works on a chunk; contacts that start or stop matching meanwhile are included
   * or not depending on whether their id is still ahead.
   */
  async resolveSelectionContactIds(
    target: SelectionTarget,
    options: ResolveOptions = {},
  ): Promise<AsyncIterable<string[]>> {
    const condition = await this.conditionOf(target);
    const compiled: CompiledSelection = compileSelection(condition, { ...scoped(options), now: new Date() });
    const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_RESOLVE_CHUNK_SIZE);
    const { queries, transactions } = this;
    const chunkAfter = (after: string | undefined) =>
      transactions.run(async (db) => {
        await queries.prepare(db, settingsFor(condition));
        return queries.ids(db, compiled, after, chunkSize);
      });
    return {
      async *[Symbol.asyncIterator]() {
        let after: string | undefined;
        for (;;) {
          const ids = await chunkAfter(after);
          if (ids.length > 0) yield ids;
          if (ids.length < chunkSize) return;
          after = ids[ids.length - 1];
        }
      },
    };
  }
}
