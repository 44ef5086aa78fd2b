import { Injectable } from '@nestjs/common';
import { type Db, Transactions } from '../database/transactions.js';
import { GroupTreeError } from '../errors/domain-error.js';
import type { MembershipEventPayload, NewDomainEvent } from '../events/domain-event.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { formatGroupPath, normalizeGroupName, parseGroupPath } from './group-path.js';
import {
  DeadlockError,
  DuplicateSiblingNameError,
  GroupRepository,
  type GroupRow,
  MissingParentError,
} from './group.repository.js';

/** A group as the domain hands it out: a plain copy, never an entity. */
export interface GroupView {
  id: string;
  parentId: string | null;
  name: string;
  createdAt: Date;
}

export interface GroupCounts {
  /** Contacts that are members of the group itself. */
  directMembers: number;
  /** Distinct contacts that are members of the group or of any group below it. */
  subtreeMembers: number;
  /** Groups below it, at any depth. */
  subgroups: number;
}

export interface GroupDetails extends GroupView {
  /** Names from the root down to the group itself. */
  path: string[];
  counts: GroupCounts;
}

export interface GroupNode extends GroupView {
  directMembers: number;
  subtreeMembers: number;
  children: GroupNode[];
}

/** One entry of the catalog the rule language checks group paths against. */
export interface GroupCatalogEntry {
  id: string;
  parentId: string | null;
  name: string;
  path: string[];
}

export const GROUP_DELETE_STRATEGIES = ['refuse', 'moveMembersToParent', 'deleteRecursive'] as const;
export type GroupDeleteStrategy = (typeof GROUP_DELETE_STRATEGIES)[number];

export interface GroupDeletion {
  deletedGroupIds: string[];
  /** Memberships that ended, each with a contact.removed_from_group event. */
  removedMemberships: number;
  /** Memberships created in the parent, each with a contact.added_to_group event. */
  addedToParent: number;
  /** Direct subgroups that moved up to the parent (moveMembersToParent). */
  movedSubgroups: number;
}

const EVENT_BATCH = 5_000;
const DELETE_ATTEMPTS = 3;

function view(row: GroupRow): GroupView {
  return { id: row.id, parentId: row.parentId, name: row.name, createdAt: row.createdAt };
}

function notFound(id: string): GroupTreeError {
  return new GroupTreeError('GROUP_NOT_FOUND', `group ${id} does not exist`, { groupId: id });
}

function parentNotFound(field: string, value: string): GroupTreeError {
  return new GroupTreeError('GROUP_PARENT_NOT_FOUND', `parent group ${value} does not exist`, {
    field,
    [field]: value,
  });
}

function duplicateSibling(name: string, parentId: string | null): GroupTreeError {
  return new GroupTreeError(
    'GROUP_DUPLICATE_SIBLING',
    `a group named "${name}" already exists under the same parent`,
    { field: 'name', name, parentId },
  );
}

/** Paths from the adjacency list, each computed once. */
function pathsOf(rows: readonly GroupRow[]): Map<string, string[]> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const paths = new Map<string, string[]>();
  const pathOf = (id: string): string[] => {
    const known = paths.get(id);
    if (known) return known;
    const row = byId.get(id)!;
    const path = row.parentId === null ? [row.name] : [...pathOf(row.parentId), row.name];
    paths.set(id, path);
    return path;
  };
  for (const row of rows) pathOf(row.id);
  return paths;
}

/**
 * The group tree: an unlimited forest with names unique among siblings, addressed
 * by id or by path. Structure changes and the closure table move together in one
 * transaction; memberships that a delete ends or moves write their domain events in
 * that transaction too. Renames and moves write no membership events: they reorganise
 * the tree and must not fire "added to" automations for contacts that did nothing.
 */
@Injectable()
export class GroupTreeService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly transactions: Transactions,
    private readonly events: DomainEventRepository,
  ) {}

  async create(input: { name: string; parentId?: string | null; parentPath?: string }): Promise<GroupView> {
    if (input.parentId != null && input.parentPath !== undefined) {
      throw new GroupTreeError('GROUP_PATH_INVALID', 'give parentId or parentPath, not both', {
        field: 'parentPath',
      });
    }
    const name = normalizeGroupName(input.name);
    return this.transactions.run(async (db) => {
      await this.groups.lockTree(db, 'shared');
      let parentId = input.parentId ?? null;
      if (input.parentPath !== undefined) {
        const segments = parseGroupPath(input.parentPath);
        const found = await this.groups.resolvePath(db, segments);
        if (found?.depth !== segments.length) throw parentNotFound('parentPath', input.parentPath);
        parentId = found.id;
      } else if (parentId !== null && !(await this.groups.findById(db, parentId))) {
        throw parentNotFound('parentId', parentId);
      }
      try {
        return view(await this.groups.insert(db, { name, parentId }));
      } catch (error) {
        if (error instanceof DuplicateSiblingNameError) throw duplicateSibling(name, parentId);
        if (error instanceof MissingParentError) throw parentNotFound('parentId', String(parentId));
        throw error;
      }
    });
  }

  /** The whole forest with member counts, roots first, siblings by name. */
  async tree(): Promise<GroupNode[]> {
    const db = this.transactions.pool;
    const [rows, counts] = await Promise.all([this.groups.findAll(db), this.groups.allCounts(db)]);
    const nodes = new Map<string, GroupNode>();
    for (const row of rows) {
      const { directMembers = 0, subtreeMembers = 0 } = counts.get(row.id) ?? {};
      nodes.set(row.id, { ...view(row), directMembers, subtreeMembers, children: [] });
    }
    const roots: GroupNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }

  /** Every group with its path: what the rule language checks group paths against. */
  async catalog(db: Db = this.transactions.pool): Promise<GroupCatalogEntry[]> {
    const rows = await this.groups.findAll(db);
    const paths = pathsOf(rows);
    return rows.map((row) => ({
      id: row.id,
      parentId: row.parentId,
      name: row.name,
      path: paths.get(row.id)!,
    }));
  }

  async get(id: string): Promise<GroupDetails> {
    const db = this.transactions.pool;
    const row = await this.groups.findById(db, id);
    if (!row) throw notFound(id);
    const [path, counts] = await Promise.all([this.groups.pathOf(db, id), this.groups.counts(db, id)]);
    return { ...view(row), path: path ?? [row.name], counts };
  }

  async getByPath(path: string): Promise<GroupDetails> {
    return this.get(await this.resolvePath(path));
  }

  async counts(id: string): Promise<GroupCounts> {
    const db = this.transactions.pool;
    if (!(await this.groups.findById(db, id))) throw notFound(id);
    return this.groups.counts(db, id);
  }

  /**
   * The id of the group at a path (text with escapes, or segment names). A miss
   * names the first segment that matched nothing.
   */
  async resolvePath(path: string | readonly string[], db: Db = this.transactions.pool): Promise<string> {
    const segments = typeof path === 'string' ? parseGroupPath(path) : path.map(normalizeGroupName);
    const text = typeof path === 'string' ? path : formatGroupPath(segments);
    const found = segments.length === 0 ? undefined : await this.groups.resolvePath(db, segments);
    const matched = found?.depth ?? 0;
    if (found && matched === segments.length) return found.id;
    throw new GroupTreeError(
      'GROUP_NOT_FOUND',
      `no group at path "${text}": "${segments[matched] ?? ''}" not found` +
        (matched > 0 ? ` under "${formatGroupPath(segments.slice(0, matched))}"` : ' among the root groups'),
      { field: 'path', path: text, missingSegment: segments[matched] ?? null, matchedSegments: matched },
    );
  }

  /** The group and all its descendants (ids). Runs on `db` so callers can use it inside their transaction. */
  async subtreeIds(groupId: string, db: Db = this.transactions.pool): Promise<string[]> {
    const ids = await this.groups.subtreeIds(db, groupId);
    if (ids.length === 0) throw notFound(groupId);
    return ids;
  }

  /** Rename and/or move. `parentId: null` makes the group a root; undefined leaves it where it is. */
  async update(id: string, changes: { name?: string; parentId?: string | null }): Promise<GroupView> {
    const moving = changes.parentId !== undefined;
    return this.transactions.run(async (db) => {
      if (moving) await this.groups.lockTree(db, 'exclusive');
      let row = await this.groups.lockById(db, id);
      if (!row) throw notFound(id);
      try {
        if (changes.name !== undefined) {
          const name = normalizeGroupName(changes.name);
          if (name !== row.name) row = await this.groups.rename(db, id, name);
        }
        const parentId = changes.parentId;
        if (parentId !== undefined && parentId !== row.parentId) {
          if (parentId !== null) {
            if (!(await this.groups.findById(db, parentId))) throw parentNotFound('parentId', parentId);
            if (await this.groups.isInSubtree(db, id, parentId)) {
              throw new GroupTreeError(
                'GROUP_CYCLE',
                parentId === id
                  ? 'a group cannot be its own parent'
                  : 'a group cannot move below one of its own subgroups',
                { field: 'parentId', groupId: id, parentId },
              );
            }
          }
          row = await this.groups.move(db, id, parentId);
        }
      } catch (error) {
        if (error instanceof DuplicateSiblingNameError) {
          throw duplicateSibling(
            normalizeGroupName(changes.name ?? row.name),
            changes.parentId ?? row.parentId,
          );
        }
        throw error;
      }
      return view(row);
    });
  }

  /**
   * Deletes a group. `refuse` only deletes an empty group; `moveMembersToParent`
   * hands members and subgroups to the parent; `deleteRecursive` removes the subtree
   * and its memberships. `actor` (an API key name) signs the membership events.
   */
  async remove(id: string, strategy: GroupDeleteStrategy, actor: string): Promise<GroupDeletion> {
    // Membership writers lock a contact and then the tree; a delete locks the tree and
    // then the contacts it changes. PostgreSQL breaks the rare cycle; the delete retries.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(async (db) => {
          await this.groups.lockTree(db, 'exclusive');
          const group = await this.groups.lockById(db, id);
          if (!group) throw notFound(id);
          switch (strategy) {
            case 'refuse':
              return this.deleteIfEmpty(db, group);
            case 'moveMembersToParent':
              return this.deleteMovingContentsUp(db, group, actor);
            case 'deleteRecursive':
              return this.deleteSubtree(db, group, actor);
          }
        });
      } catch (error) {
        if (!(error instanceof DeadlockError) || attempt >= DELETE_ATTEMPTS) throw error;
      }
    }
  }

  private async deleteIfEmpty(db: Db, group: GroupRow): Promise<GroupDeletion> {
    const { hasSubgroups, hasMembers } = await this.groups.contents(db, group.id);
    if (hasSubgroups || hasMembers) {
      const what = [hasSubgroups && 'subgroups', hasMembers && 'members'].filter(Boolean).join(' and ');
      throw new GroupTreeError(
        'GROUP_NOT_EMPTY',
        `group "${group.name}" still has ${what}; delete with strategy moveMembersToParent or deleteRecursive`,
        { groupId: group.id, hasSubgroups, hasMembers },
      );
    }
    await this.groups.deleteOne(db, group.id);
    return { deletedGroupIds: [group.id], removedMemberships: 0, addedToParent: 0, movedSubgroups: 0 };
  }

  private async deleteMovingContentsUp(db: Db, group: GroupRow, actor: string): Promise<GroupDeletion> {
    const { hasMembers } = await this.groups.contents(db, group.id);
    if (group.parentId === null && hasMembers) {
      throw new GroupTreeError(
        'GROUP_NOT_EMPTY',
        `"${group.name}" is a root group: it has no parent to take its members; ` +
          'move the members elsewhere first, or delete with strategy deleteRecursive',
        { groupId: group.id, hasMembers, reason: 'ROOT_HAS_NO_PARENT' },
      );
    }
    const clashes = await this.groups.siblingNameClashes(db, group.id, group.parentId);
    if (clashes.length > 0) {
      throw new GroupTreeError(
        'GROUP_DUPLICATE_SIBLING',
        `the parent already has groups named ${clashes.map((name) => `"${name}"`).join(', ')}; ` +
          'rename these subgroups first',
        { field: 'name', names: clashes, parentId: group.parentId },
      );
    }
    await this.groups.lockMembers(db, group.id, 'subtree');
    const path = (await this.groups.pathOf(db, group.id)) ?? [group.name];
    const parentPath = path.slice(0, -1);
    // Members of the lifted subgroups leave the deleted group's subtree as well.
    const below = await this.groups.membersOnlyBelow(db, group.id);
    const added =
      group.parentId === null
        ? []
        : await this.groups.copyMembersToParent(db, group.id, group.parentId, actor);
    const removed = await this.groups.removeAllMembers(db, group.id);
    const movedSubgroups = await this.groups.deleteLiftingChildren(db, group.id, group.parentId);
    // The contacts stay inside every subtree above: only the deleted group itself is left,
    // and the parent is no new subtree for anyone, so the added events enter none.
    await this.append(db, [
      ...[...removed, ...below].map((member) =>
        membershipEvent('contact.removed_from_group', member.contactId, actor, {
          groupId: group.id,
          groupPath: path,
          source: member.source,
          subtreesChanged: [group.id],
        }),
      ),
      ...added.map((member) =>
        membershipEvent('contact.added_to_group', member.contactId, actor, {
          groupId: group.parentId!,
          groupPath: parentPath,
          source: member.source,
          subtreesChanged: [],
        }),
      ),
    ]);
    return {
      deletedGroupIds: [group.id],
      removedMemberships: removed.length,
      addedToParent: added.length,
      movedSubgroups,
    };
  }

  private async deleteSubtree(db: Db, group: GroupRow, actor: string): Promise<GroupDeletion> {
    await this.groups.lockSubtree(db, group.id);
    await this.groups.lockMembers(db, group.id, 'subtree');
    const paths = await this.groups.subtreePaths(db, group.id);
    const removed = await this.groups.membershipsLeavingSubtree(db, group.id);
    const deletedGroupIds = await this.groups.deleteSubtree(db, group.id);
    await this.append(
      db,
      removed.map((membership) =>
        membershipEvent('contact.removed_from_group', membership.contactId, actor, {
          groupId: membership.groupId,
          groupPath: paths.get(membership.groupId) ?? [],
          source: membership.source,
          subtreesChanged: membership.subtreesChanged,
        }),
      ),
    );
    return { deletedGroupIds, removedMemberships: removed.length, addedToParent: 0, movedSubgroups: 0 };
  }

  private async append(db: Db, events: NewDomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += EVENT_BATCH) {
      await this.events.append(db, events.slice(start, start + EVENT_BATCH));
    }
  }
}

function membershipEvent(
  type: 'contact.added_to_group' | 'contact.removed_from_group',
  contactId: string,
  actor: string,
  payload: MembershipEventPayload,
): NewDomainEvent {
  return { type, contactId, actor, payload: { ...payload } };
}
