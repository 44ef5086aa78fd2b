import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { testDatabaseUrl } from '../../support/test-env.js';

export interface GroupJson {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: string;
}

export interface MembershipEventRow {
  type: string;
  contactId: string;
  actor: string;
  payload: { groupId: string; groupPath: string[]; source: string; subtreesChanged: string[] };
}

/**
 * Small factories for group tests. Other test files share the database, so every
 * root made here carries a unique tag, and contacts and memberships are written with
 * plain SQL (the contacts API is not what these tests are about).
 */
export function groupFixtures(app: NestFastifyApplication, authorization: string) {
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
  const tag = randomUUID().slice(0, 8);
  let roots = 0;

  const request = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });

  /** A group through the API; a root's name gets the test's unique tag unless `exactName` says otherwise. */
  async function newGroup(name: string, parent?: GroupJson | null, exactName = false): Promise<GroupJson> {
    const response = await request('POST', '/v1/groups', {
      name: parent || exactName ? name : `${name} ${tag}.${++roots}`,
      ...(parent ? { parentId: parent.id } : {}),
    });
    if (response.statusCode !== 201)
      throw new Error(`creating ${name}: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async function newContacts(count: number): Promise<string[]> {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO contacts (kind, email, first_name)
       SELECT 'person', 'group-test-' || gen_random_uuid() || '@example.com', 'Test ' || n
       FROM generate_series(1, $1) AS n
       RETURNING id`,
      [count],
    );
    return rows.map((row) => row.id);
  }

  async function addMembers(
    group: GroupJson,
    contactIds: readonly string[],
    source = 'import',
  ): Promise<void> {
    await pool.query(
      `INSERT INTO group_memberships (contact_id, group_id, added_by, source)
       SELECT unnest($1::uuid[]), $2, 'test', $3`,
      [contactIds, group.id, source],
    );
  }

  async function membersOf(groupId: string): Promise<string[]> {
    const { rows } = await pool.query<{ contactId: string }>(
      'SELECT contact_id AS "contactId" FROM group_memberships WHERE group_id = $1 ORDER BY contact_id',
      [groupId],
    );
    return rows.map((row) => row.contactId);
  }

  async function membershipEvents(contactIds: readonly string[]): Promise<MembershipEventRow[]> {
    const { rows } = await pool.query<MembershipEventRow>(
      `SELECT type, contact_id AS "contactId", actor, payload FROM domain_events
       WHERE contact_id = ANY($1::uuid[]) AND type IN ('contact.added_to_group', 'contact.removed_from_group')
       ORDER BY seq`,
      [contactIds],
    );
    return rows;
  }

  async function closureOf(groupId: string): Promise<{ ancestors: Record<string, number> }> {
    const { rows } = await pool.query<{ ancestorId: string; depth: number }>(
      'SELECT ancestor_id AS "ancestorId", depth FROM group_closure WHERE descendant_id = $1',
      [groupId],
    );
    return { ancestors: Object.fromEntries(rows.map((row) => [row.ancestorId, row.depth])) };
  }

  /**
   * Differences between group_closure and the closure computed from the adjacency
   * list, over the whole table; an empty list means they agree.
   */
  async function closureMismatches(): Promise<unknown[]> {
    const { rows } = await pool.query(
      `WITH RECURSIVE walk AS (
         SELECT id AS ancestor_id, id AS descendant_id, 0 AS depth FROM groups
         UNION ALL
         SELECT walk.ancestor_id, child.id, walk.depth + 1
         FROM walk JOIN groups child ON child.parent_id = walk.descendant_id
       )
       (SELECT 'missing' AS problem, * FROM walk
        EXCEPT SELECT 'missing', ancestor_id, descendant_id, depth FROM group_closure)
       UNION ALL
       (SELECT 'extra', ancestor_id, descendant_id, depth FROM group_closure
        EXCEPT SELECT 'extra', * FROM walk)`,
    );
    return rows;
  }

  /** Groups whose maintained counts differ from counting their memberships; empty when all agree. */
  async function countMismatches(): Promise<unknown[]> {
    const { rows } = await pool.query(
      `WITH maintained AS (
         SELECT group_id, sum(direct_members)::int AS direct, sum(subtree_members)::int AS subtree
         FROM group_member_counts GROUP BY group_id
       ), live AS (
         SELECT below.ancestor_id AS group_id, (count(*) FILTER (WHERE below.depth = 0))::int AS direct,
                count(DISTINCT member.contact_id)::int AS subtree
         FROM group_closure below JOIN group_memberships member ON member.group_id = below.descendant_id
         GROUP BY below.ancestor_id
       )
       SELECT group_id AS "groupId", live.direct AS "liveDirect", live.subtree AS "liveSubtree",
              maintained.direct AS "maintainedDirect", maintained.subtree AS "maintainedSubtree"
       FROM live FULL JOIN maintained USING (group_id)
       WHERE coalesce(live.direct, 0) <> coalesce(maintained.direct, 0)
          OR coalesce(live.subtree, 0) <> coalesce(maintained.subtree, 0)`,
    );
    return rows;
  }

  return {
    tag,
    pool,
    request,
    newGroup,
    newContacts,
    addMembers,
    membersOf,
    membershipEvents,
    closureOf,
    closureMismatches,
    countMismatches,
    close: () => pool.end(),
  };
}
