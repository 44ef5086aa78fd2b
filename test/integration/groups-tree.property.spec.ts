import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { type GroupDeleteStrategy, GroupTreeError, GroupTreeService } from '../../libs/domain/src/index.js';
import { createTestApi } from '../support/test-api.js';
import { groupFixtures } from './groups/group-fixtures.js';

type Command =
  | { kind: 'create'; parent: number | null; name: string }
  | { kind: 'move'; group: number; parent: number | null }
  | { kind: 'rename'; group: number; name: string }
  | { kind: 'delete'; group: number; strategy: GroupDeleteStrategy }
  | { kind: 'addMember'; group: number; contact: number };

const NAMES = ['a', 'b', 'c'];
const CONTACTS = 5;

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      parent: fc.option(fc.nat(), { nil: null }),
      name: fc.constantFrom(...NAMES),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      group: fc.nat(),
      parent: fc.option(fc.nat(), { nil: null, freq: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rename' as const),
      group: fc.nat(),
      name: fc.constantFrom(...NAMES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      group: fc.nat(),
      strategy: fc.constantFrom<GroupDeleteStrategy>('refuse', 'moveMembersToParent', 'deleteRecursive'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('addMember' as const),
      group: fc.nat(),
      contact: fc.nat(CONTACTS - 1),
    }),
  },
);

interface ModelGroup {
  parentId: string | null;
  name: string;
}

/** The tree as an adjacency list with memberships; everything else is derived from it. */
class Model {
  readonly groups = new Map<string, ModelGroup>();
  /** `${contactId}|${groupId}` */
  readonly memberships = new Set<string>();

  ids(): string[] {
    return [...this.groups.keys()];
  }

  pick(index: number): string | undefined {
    const ids = this.ids();
    return ids.length === 0 ? undefined : ids[index % ids.length];
  }

  children(id: string | null): string[] {
    return this.ids().filter((other) => this.groups.get(other)!.parentId === id);
  }

  subtree(id: string): string[] {
    return [id, ...this.children(id).flatMap((child) => this.subtree(child))];
  }

  ancestors(id: string): Map<string, number> {
    const result = new Map<string, number>();
    let current: string | null = id;
    for (let depth = 0; current !== null; depth++) {
      result.set(current, depth);
      current = this.groups.get(current)!.parentId;
    }
    return result;
  }

  nameTaken(parentId: string | null, name: string, except?: string): boolean {
    return this.children(parentId).some((id) => id !== except && this.groups.get(id)!.name === name);
  }

  members(groupId: string): string[] {
    return [...this.memberships]
      .filter((key) => key.endsWith(`|${groupId}`))
      .map((key) => key.split('|')[0]!);
  }

  /** For each contact, the groups whose subtree holds it. */
  subtreesHolding(): Map<string, Set<string>> {
    const result = new Map<string, Set<string>>();
    for (const key of this.memberships) {
      const [contact, group] = key.split('|') as [string, string];
      const set = result.get(contact) ?? new Set<string>();
      for (const ancestor of this.ancestors(group).keys()) set.add(ancestor);
      result.set(contact, set);
    }
    return result;
  }
}

describe('group tree property', () => {
  let app: NestFastifyApplication;
  let fx: ReturnType<typeof groupFixtures>;
  let service: GroupTreeService;

  beforeAll(async () => {
    const api = await createTestApi();
    app = api.app;
    fx = groupFixtures(app, api.authorization);
    service = app.get(GroupTreeService);
  });

  afterAll(async () => {
    await fx.close();
    await app.close();
  });

  async function codeOf(work: () => Promise<unknown>): Promise<string> {
    try {
      await work();
      return 'OK';
    } catch (error) {
      if (error instanceof GroupTreeError) return error.code;
      throw error;
    }
  }

  async function lastSeq(): Promise<string> {
    const { rows } = await fx.pool.query<{ seq: string }>(
      'SELECT coalesce(max(seq), 0)::text AS seq FROM domain_events',
    );
    return rows[0]!.seq;
  }

  /** Checks the database against the model: groups, closure, memberships and every group's counts. */
  async function checkAgainst(model: Model, runRoots: (name: string) => boolean, contacts: string[]) {
    const { rows: groups } = await fx.pool.query<{ id: string; parentId: string | null; name: string }>(
      `SELECT g.id, g.parent_id AS "parentId", g.name FROM groups g
       WHERE EXISTS (SELECT 1 FROM group_closure c JOIN groups root ON root.id = c.ancestor_id
                     WHERE c.descendant_id = g.id AND root.parent_id IS NULL AND root.name = ANY($1))`,
      [
        [
          ...new Set(
            [...model.groups.values()].filter((group) => group.parentId === null).map((group) => group.name),
          ),
        ],
      ],
    );
    const actual = Object.fromEntries(
      groups.map((row) => [row.id, { parentId: row.parentId, name: row.name }]),
    );
    expect(actual).toEqual(Object.fromEntries(model.groups));
    expect(groups.every((row) => row.parentId !== null || runRoots(row.name))).toBe(true);

    const { rows: closure } = await fx.pool.query<{ ancestor: string; descendant: string; depth: number }>(
      `SELECT ancestor_id AS ancestor, descendant_id AS descendant, depth FROM group_closure
       WHERE descendant_id = ANY($1::uuid[])`,
      [model.ids()],
    );
    const expectedClosure = model
      .ids()
      .flatMap((id) => [...model.ancestors(id)].map(([ancestor, depth]) => `${ancestor}>${id}:${depth}`))
      .sort();
    expect(closure.map((row) => `${row.ancestor}>${row.descendant}:${row.depth}`).sort()).toEqual(
      expectedClosure,
    );

    const { rows: memberships } = await fx.pool.query<{ key: string }>(
      `SELECT contact_id || '|' || group_id AS key FROM group_memberships WHERE contact_id = ANY($1::uuid[])`,
      [contacts],
    );
    expect(memberships.map((row) => row.key).sort()).toEqual([...model.memberships].sort());

    for (const id of model.ids()) {
      const subtree = model.subtree(id);
      const subtreeMembers = new Set(subtree.flatMap((group) => model.members(group)));
      expect(await service.counts(id)).toEqual({
        directMembers: model.members(id).length,
        subtreeMembers: subtreeMembers.size,
        subgroups: subtree.length - 1,
      });
      expect(new Set(await service.subtreeIds(id))).toEqual(new Set(subtree));
    }
  }

  /** Membership events of one command: each subtree entered or left appears exactly once. */
  async function checkEvents(
    sinceSeq: string,
    before: Map<string, Set<string>>,
    after: Map<string, Set<string>>,
  ) {
    const { rows } = await fx.pool.query<{
      type: string;
      contactId: string;
      payload: { subtreesChanged: string[] };
    }>(
      `SELECT type, contact_id AS "contactId", payload FROM domain_events
       WHERE seq > $1::bigint AND contact_id = ANY($2::uuid[]) ORDER BY seq`,
      [sinceSeq, [...new Set([...before.keys(), ...after.keys()])]],
    );
    for (const contact of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(contact) ?? new Set<string>();
      const is = after.get(contact) ?? new Set<string>();
      const listed = (type: string) =>
        rows
          .filter((row) => row.contactId === contact && row.type === type)
          .flatMap((row) => row.payload.subtreesChanged)
          .sort();
      expect(listed('contact.removed_from_group')).toEqual([...was].filter((group) => !is.has(group)).sort());
      expect(listed('contact.added_to_group')).toEqual([...is].filter((group) => !was.has(group)).sort());
    }
  }

  it('keeps the tree, its closure table, memberships, counts and events consistent over random changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const tag = `prop-${randomUUID().slice(0, 8)}`;
        // Every name carries the run's tag: groups lifted to the roots must not meet other runs' roots.
        const tagged = (name: string) => `${tag}-${name}`;
        const model = new Model();
        const contacts = await fx.newContacts(CONTACTS);

        for (const step of commands) {
          const before = model.subtreesHolding();
          const seq = await lastSeq();
          switch (step.kind) {
            case 'create': {
              const parentId = step.parent === null ? null : (model.pick(step.parent) ?? null);
              const name = tagged(step.name);
              const expected = model.nameTaken(parentId, name) ? 'GROUP_DUPLICATE_SIBLING' : 'OK';
              let createdId: string | undefined;
              expect(
                await codeOf(async () => {
                  createdId = (await service.create({ name, parentId })).id;
                }),
              ).toBe(expected);
              if (createdId) model.groups.set(createdId, { parentId, name });
              break;
            }
            case 'move': {
              const id = model.pick(step.group);
              if (!id) continue;
              const group = model.groups.get(id)!;
              const parentId = step.parent === null ? null : model.pick(step.parent)!;
              const expected =
                parentId !== null && model.subtree(id).includes(parentId)
                  ? 'GROUP_CYCLE'
                  : parentId !== group.parentId && model.nameTaken(parentId, group.name, id)
                    ? 'GROUP_DUPLICATE_SIBLING'
                    : 'OK';
              expect(await codeOf(() => service.update(id, { parentId }))).toBe(expected);
              if (expected === 'OK') group.parentId = parentId;
              break;
            }
            case 'rename': {
              const id = model.pick(step.group);
              if (!id) continue;
              const group = model.groups.get(id)!;
              const name = tagged(step.name);
              const expected =
                name !== group.name && model.nameTaken(group.parentId, name, id)
                  ? 'GROUP_DUPLICATE_SIBLING'
                  : 'OK';
              expect(await codeOf(() => service.update(id, { name }))).toBe(expected);
              if (expected === 'OK') group.name = name;
              break;
            }
            case 'delete': {
              const id = model.pick(step.group);
              if (!id) continue;
              const group = model.groups.get(id)!;
              const children = model.children(id);
              const members = model.members(id);
              let expected = 'OK';
              if (step.strategy === 'refuse' && (children.length > 0 || members.length > 0))
                expected = 'GROUP_NOT_EMPTY';
              if (step.strategy === 'moveMembersToParent') {
                if (group.parentId === null && members.length > 0) expected = 'GROUP_NOT_EMPTY';
                else if (
                  children.some((child) => model.nameTaken(group.parentId, model.groups.get(child)!.name, id))
                )
                  expected = 'GROUP_DUPLICATE_SIBLING';
              }
              expect(await codeOf(() => service.remove(id, step.strategy, 'property-test'))).toBe(expected);
              if (expected !== 'OK') break;
              if (step.strategy === 'deleteRecursive') {
                for (const gone of model.subtree(id)) {
                  model.groups.delete(gone);
                  for (const contact of model.members(gone)) model.memberships.delete(`${contact}|${gone}`);
                }
              } else {
                for (const contact of members) {
                  model.memberships.delete(`${contact}|${id}`);
                  if (group.parentId !== null) model.memberships.add(`${contact}|${group.parentId}`);
                }
                for (const child of children) model.groups.get(child)!.parentId = group.parentId;
                model.groups.delete(id);
              }
              break;
            }
            case 'addMember': {
              const id = model.pick(step.group);
              if (!id) continue;
              await fx.pool.query(
                `INSERT INTO group_memberships (contact_id, group_id, added_by, source)
                 VALUES ($1, $2, 'property-test', 'api') ON CONFLICT DO NOTHING`,
                [contacts[step.contact], id],
              );
              model.memberships.add(`${contacts[step.contact]}|${id}`);
              continue;
            }
          }
          // Reorganising the tree (moves, renames) writes no membership events at all.
          const reorganised = step.kind === 'move' || step.kind === 'rename';
          await checkEvents(seq, before, reorganised ? before : model.subtreesHolding());
        }
        await checkAgainst(model, (name) => name.startsWith(tag), contacts);
      }),
      { numRuns: 30 },
    );
    expect(await fx.closureMismatches()).toEqual([]);
    expect(await fx.countMismatches()).toEqual([]);
  });
});
