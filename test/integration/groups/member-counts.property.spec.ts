import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { createTestApi } from '../../support/test-api.js';
import { groupFixtures, type GroupJson } from './group-fixtures.js';

/**
 * The member count triggers take one path for statements that touch a few contacts and
 * another for statements that touch many (see the 1765000000000 migration). Random
 * statements of both sizes, adding and removing several memberships of one contact at
 * once, must leave every count equal to a recount.
 */
const CONTACTS = 48;

type Statement = { kind: 'add' | 'remove'; pairs: { contact: number; group: number }[] };

const pair = fc.record({ contact: fc.nat(CONTACTS - 1), group: fc.nat(5) });
const statement: fc.Arbitrary<Statement> = fc.record({
  kind: fc.constantFrom<'add' | 'remove'>('add', 'remove'),
  // Up to 120 pairs reaches past the many-contacts threshold; most statements stay small.
  pairs: fc.oneof(
    { weight: 3, arbitrary: fc.array(pair, { minLength: 1, maxLength: 6 }) },
    { weight: 1, arbitrary: fc.array(pair, { minLength: 30, maxLength: 120 }) },
  ),
});

describe('maintained group member counts', () => {
  let app: NestFastifyApplication;
  let fx: ReturnType<typeof groupFixtures>;
  let groups: GroupJson[];
  let contacts: string[];

  beforeAll(async () => {
    const api = await createTestApi();
    app = api.app;
    fx = groupFixtures(app, api.authorization);
    // root → a → (a1, a2), root → b → b1: six groups, three levels.
    const root = await fx.newGroup('Counts');
    const a = await fx.newGroup('a', root);
    const b = await fx.newGroup('b', root);
    groups = [root, a, b, await fx.newGroup('a1', a), await fx.newGroup('a2', a), await fx.newGroup('b1', b)];
    contacts = await fx.newContacts(CONTACTS);
  });

  afterAll(async () => {
    await fx.close();
    await app.close();
  });

  async function mismatches(): Promise<unknown[]> {
    const { rows } = await fx.pool.query(
      `WITH mine AS (SELECT unnest($1::uuid[]) AS group_id),
       maintained AS (
         SELECT group_id, sum(direct_members)::int AS direct, sum(subtree_members)::int AS subtree
         FROM group_member_counts JOIN mine USING (group_id) GROUP BY group_id
       ), live AS (
         SELECT mine.group_id,
                (count(member.contact_id) FILTER (WHERE below.depth = 0))::int AS direct,
                count(DISTINCT member.contact_id)::int AS subtree
         FROM mine JOIN group_closure below ON below.ancestor_id = mine.group_id
         LEFT JOIN group_memberships member ON member.group_id = below.descendant_id
         GROUP BY mine.group_id
       )
       SELECT group_id, live.direct AS "liveDirect", live.subtree AS "liveSubtree",
              maintained.direct AS "maintainedDirect", maintained.subtree AS "maintainedSubtree"
       FROM live LEFT JOIN maintained USING (group_id)
       WHERE live.direct <> coalesce(maintained.direct, 0) OR live.subtree <> coalesce(maintained.subtree, 0)`,
      [groups.map((group) => group.id)],
    );
    return rows;
  }

  it('match a recount after random adds and removes of a few and of many contacts per statement', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 12 }), async (statements) => {
        await fx.pool.query('DELETE FROM group_memberships WHERE contact_id = ANY($1::uuid[])', [contacts]);
        for (const { kind, pairs } of statements) {
          const contactIds = pairs.map((p) => contacts[p.contact]!);
          const groupIds = pairs.map((p) => groups[p.group]!.id);
          if (kind === 'add') {
            await fx.pool.query(
              `INSERT INTO group_memberships (contact_id, group_id, added_by, source)
               SELECT DISTINCT contact_id, group_id, 'test', 'api' FROM unnest($1::uuid[], $2::uuid[]) AS p(contact_id, group_id)
               ON CONFLICT DO NOTHING`,
              [contactIds, groupIds],
            );
          } else {
            await fx.pool.query(
              `DELETE FROM group_memberships member USING unnest($1::uuid[], $2::uuid[]) AS p(contact_id, group_id)
               WHERE member.contact_id = p.contact_id AND member.group_id = p.group_id`,
              [contactIds, groupIds],
            );
          }
        }
        expect(await mismatches()).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
