import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { Db } from '../database/transactions.js';
import type { MembershipSource } from '../events/domain-event.js';
import { GROUP_SQL } from './group.sql.js';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const DEADLOCK_DETECTED = '40P01';

// Any constant works, but the membership count triggers (migration 1764400000000) use the same one.
const GROUP_TREE_LOCK_KEY = 7_463_101;

/** A name is already taken under the same parent (the sibling unique constraint fired). */
export class DuplicateSiblingNameError extends Error {}

/** The parent named by an insert or move no longer exists (its foreign key fired). */
export class MissingParentError extends Error {}

/** PostgreSQL broke a lock cycle by aborting this transaction; running it again is safe. */
export class DeadlockError extends Error {}

export interface GroupRow {
  id: string;
  parentId: string | null;
  name: string;
  createdAt: Date;
}

export interface GroupCountsRow {
  directMembers: number;
  subtreeMembers: number;
  subgroups: number;
}

/** Beyond this many count rows a group's rows are folded into one on the next read. */
const COUNT_ROWS_BEFORE_COMPACTION = 32;

export interface RemovedMembershipRow {
  contactId: string;
  groupId: string;
  source: MembershipSource;
  subtreesChanged: string[];
}

export interface MemberRow {
  contactId: string;
  source: MembershipSource;
}

function translate(error: unknown): never {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: string }).code;
    if (code === UNIQUE_VIOLATION) throw new DuplicateSiblingNameError();
    if (code === FOREIGN_KEY_VIOLATION) throw new MissingParentError();
    if (code === DEADLOCK_DETECTED) throw new DeadlockError();
  }
  throw error;
}

async function rows<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  try {
    return (await db.query(sql, params)) as T[];
  } catch (error) {
    translate(error);
  }
}

async function count(db: Db, sql: string, params: unknown[]): Promise<number> {
  return (await rows<{ count: number }>(db, sql, params))[0]!.count;
}

/**
 * The group tree's SQL (see group.sql.ts). Every method runs on the handle it is
 * given, so callers choose the transaction; methods that change the tree keep the
 * closure table in step within that same transaction.
 */
@Injectable()
export class GroupRepository {
  async lockTree(db: Db, mode: 'shared' | 'exclusive'): Promise<void> {
    await rows(db, mode === 'shared' ? GROUP_SQL.lockTreeShared : GROUP_SQL.lockTreeExclusive, [
      GROUP_TREE_LOCK_KEY,
    ]);
  }

  async findById(db: Db, id: string): Promise<GroupRow | undefined> {
    return (await rows<GroupRow>(db, GROUP_SQL.findById, [id]))[0];
  }

  async lockById(db: Db, id: string): Promise<GroupRow | undefined> {
    return (await rows<GroupRow>(db, GROUP_SQL.lockById, [id]))[0];
  }

  async lockSubtree(db: Db, id: string): Promise<void> {
    await rows(db, GROUP_SQL.lockSubtree, [id]);
  }

  async findAll(db: Db): Promise<GroupRow[]> {
    return rows<GroupRow>(db, GROUP_SQL.findAll, []);
  }

  /** Inserts a group with its closure rows; a taken sibling name raises DuplicateSiblingNameError. */
  async insert(db: Db, group: { name: string; parentId: string | null }): Promise<GroupRow> {
    return (await rows<GroupRow>(db, GROUP_SQL.insert, [group.parentId, group.name]))[0]!;
  }

  async rename(db: Db, id: string, name: string): Promise<GroupRow> {
    return (await rows<GroupRow>(db, GROUP_SQL.rename, [id, name]))[0]!;
  }

  /** Re-parents the group, rewrites the closure links of its whole subtree and adjusts the counts above it. */
  async move(db: Db, id: string, parentId: string | null): Promise<GroupRow> {
    const [moved] = await rows<GroupRow>(db, GROUP_SQL.setParent, [id, parentId]);
    await count(db, GROUP_SQL.adjustCountsForMove, [id, parentId]);
    await count(db, GROUP_SQL.detachSubtree, [id]);
    if (parentId !== null) await count(db, GROUP_SQL.attachSubtree, [id, parentId]);
    return moved!;
  }

  async pathOf(db: Db, id: string): Promise<string[] | undefined> {
    const [row] = await rows<{ path: string[] | null }>(db, GROUP_SQL.pathOf, [id]);
    return row?.path ?? undefined;
  }

  async subtreePaths(db: Db, id: string): Promise<Map<string, string[]>> {
    const found = await rows<{ id: string; path: string[] }>(db, GROUP_SQL.subtreePaths, [id]);
    return new Map(found.map((row) => [row.id, row.path]));
  }

  /** The deepest group reached along the path and how many segments matched (0: none). */
  async resolvePath(db: Db, segments: readonly string[]): Promise<{ id: string; depth: number } | undefined> {
    return (await rows<{ id: string; depth: number }>(db, GROUP_SQL.resolvePath, [segments]))[0];
  }

  /** The group and its descendants; empty when the group does not exist. */
  async subtreeIds(db: Db, id: string): Promise<string[]> {
    return (await rows<{ id: string }>(db, GROUP_SQL.subtreeIds, [id])).map((row) => row.id);
  }

  async isInSubtree(db: Db, ancestorId: string, candidateId: string): Promise<boolean> {
    return (await rows<{ inSubtree: boolean }>(db, GROUP_SQL.isInSubtree, [ancestorId, candidateId]))[0]!
      .inSubtree;
  }

  /** The maintained counts; folds the group's count rows when they have piled up. */
  async counts(db: Db, id: string): Promise<GroupCountsRow> {
    const [row] = await rows<GroupCountsRow & { deltaRows: number }>(db, GROUP_SQL.counts, [id]);
    const { deltaRows, ...counts } = row!;
    if (deltaRows > COUNT_ROWS_BEFORE_COMPACTION) await this.compactCounts(db, id);
    return counts;
  }

  /** Direct and subtree member counts of every group that has members. */
  async allCounts(db: Db): Promise<Map<string, { directMembers: number; subtreeMembers: number }>> {
    const found = await rows<{ groupId: string; directMembers: number; subtreeMembers: number }>(
      db,
      GROUP_SQL.allCounts,
      [],
    );
    return new Map(found.map(({ groupId, ...counts }) => [groupId, counts]));
  }

  /** Counted from the memberships themselves, for checks and benchmarks. */
  async liveCounts(db: Db, id: string): Promise<GroupCountsRow> {
    return (await rows<GroupCountsRow>(db, GROUP_SQL.liveCounts, [id]))[0]!;
  }

  /** Folds a group's count rows into one; returns how many were folded (0 when another fold was running). */
  async compactCounts(db: Db, id: string): Promise<number> {
    return count(db, GROUP_SQL.compactCounts, [id]);
  }

  async contents(db: Db, id: string): Promise<{ hasSubgroups: boolean; hasMembers: boolean }> {
    return (await rows<{ hasSubgroups: boolean; hasMembers: boolean }>(db, GROUP_SQL.contents, [id]))[0]!;
  }

  async membershipsLeavingSubtree(db: Db, id: string): Promise<RemovedMembershipRow[]> {
    return rows<RemovedMembershipRow>(db, GROUP_SQL.membershipsLeavingSubtree, [id]);
  }

  /** Row-locks the contacts with memberships in the group (or, with `subtree`, below it too). */
  async lockMembers(db: Db, id: string, scope: 'group' | 'subtree'): Promise<void> {
    await rows(db, scope === 'group' ? GROUP_SQL.lockMembersOfGroup : GROUP_SQL.lockMembersOfSubtree, [id]);
  }

  /** Deletes the group and all its descendants with their memberships; returns the deleted ids. */
  async deleteSubtree(db: Db, id: string): Promise<string[]> {
    await count(db, GROUP_SQL.removeSubtreeMembers, [id]);
    return (await rows<{ id: string }>(db, GROUP_SQL.deleteSubtree, [id])).map((row) => row.id);
  }

  async copyMembersToParent(db: Db, id: string, parentId: string, addedBy: string): Promise<MemberRow[]> {
    return rows<MemberRow>(db, GROUP_SQL.copyMembersToParent, [id, parentId, addedBy]);
  }

  /** Contacts in the group's subgroups but not in the group itself (one row each). */
  async membersOnlyBelow(db: Db, id: string): Promise<MemberRow[]> {
    return rows<MemberRow>(db, GROUP_SQL.membersOnlyBelow, [id]);
  }

  async removeAllMembers(db: Db, id: string): Promise<MemberRow[]> {
    return rows<MemberRow>(db, GROUP_SQL.removeAllMembers, [id]);
  }

  async siblingNameClashes(db: Db, id: string, newParentId: string | null): Promise<string[]> {
    return (await rows<{ name: string }>(db, GROUP_SQL.siblingNameClashes, [id, newParentId])).map(
      (row) => row.name,
    );
  }

  /** Deletes one group whose subgroups move up to its parent; memberships must be gone already. */
  async deleteLiftingChildren(db: Db, id: string, parentId: string | null): Promise<number> {
    await count(db, GROUP_SQL.shortenLinksThrough, [id]);
    await count(db, GROUP_SQL.vacateName, [id]);
    const lifted = await count(db, GROUP_SQL.reparentChildren, [id, parentId]);
    await rows(db, GROUP_SQL.deleteOne, [id]);
    return lifted;
  }

  async deleteOne(db: Db, id: string): Promise<void> {
    await rows(db, GROUP_SQL.deleteOne, [id]);
  }
}
