/**
 * Every SQL statement of the group tree, in one place. The adjacency list
 * (`groups.parent_id`) is the source of truth; `group_closure` holds every
 * (ancestor, descendant, depth) pair including (g, g, 0) and is changed in the same
 * transaction as the tree. Each statement is also committed as `queries/<name>.sql`
 * (group.sql.spec.ts keeps the copies equal), so a reviewer can read and EXPLAIN them.
 *
 * Statements that change rows end in a SELECT over a data-modifying CTE, so every
 * statement returns plain rows through the driver.
 */
export const GROUP_SQL = {
  /**
   * Structural changes serialise on one transaction-scoped advisory lock: creates
   * share it (they only read their parent's ancestors), moves and deletes hold it
   * alone, so no create can copy ancestor links that a concurrent move is rewriting.
   */
  lockTreeShared: `
SELECT pg_advisory_xact_lock_shared($1::bigint)`,

  lockTreeExclusive: `
SELECT pg_advisory_xact_lock($1::bigint)`,

  /** Inserts the group and its closure rows (itself, and every ancestor of the parent). */
  insert: `
WITH inserted AS (
  INSERT INTO groups (parent_id, name) VALUES ($1, $2)
  RETURNING id, parent_id, name, created_at
), closure AS (
  INSERT INTO group_closure (ancestor_id, descendant_id, depth)
  SELECT id, id, 0 FROM inserted
  UNION ALL
  SELECT above.ancestor_id, inserted.id, above.depth + 1
  FROM inserted JOIN group_closure above ON above.descendant_id = inserted.parent_id
)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM inserted`,

  findById: `
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM groups WHERE id = $1`,

  /** Locks the group row: membership inserts into it (FK checks) wait until the change commits. */
  lockById: `
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM groups WHERE id = $1 FOR UPDATE`,

  /** Every group, siblings by name; the caller builds the forest or the catalog from it. */
  findAll: `
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM groups ORDER BY name, id`,

  /** Names from the root down to the group. */
  pathOf: `
SELECT array_agg(ancestor.name ORDER BY up.depth DESC) AS path
FROM group_closure up JOIN groups ancestor ON ancestor.id = up.ancestor_id
WHERE up.descendant_id = $1`,

  /** Path of every group in the subtree of $1, for events written before the subtree goes. */
  subtreePaths: `
SELECT member.descendant_id AS id, array_agg(ancestor.name ORDER BY up.depth DESC) AS path
FROM group_closure member
JOIN group_closure up ON up.descendant_id = member.descendant_id
JOIN groups ancestor ON ancestor.id = up.ancestor_id
WHERE member.ancestor_id = $1
GROUP BY member.descendant_id`,

  /**
   * Walks the path ($1, the segment names) down from the roots through the sibling
   * unique index; returns the deepest group reached, so a miss can name the segment.
   */
  resolvePath: `
WITH RECURSIVE walk AS (
  SELECT id, 1 AS depth FROM groups WHERE parent_id IS NULL AND name = ($1::text[])[1]
  UNION ALL
  SELECT child.id, walk.depth + 1
  FROM walk JOIN groups child ON child.parent_id = walk.id AND child.name = ($1::text[])[walk.depth + 1]
)
SELECT id, depth FROM walk ORDER BY depth DESC LIMIT 1`,

  /** The group and all its descendants: one index range scan on the closure primary key. */
  subtreeIds: `
SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1`,

  /** True when $2 is $1 or one of its descendants: moving $1 under $2 would make a cycle. */
  isInSubtree: `
SELECT EXISTS (SELECT 1 FROM group_closure WHERE ancestor_id = $1 AND descendant_id = $2) AS "inSubtree"`,

  /**
   * Direct members and distinct members of the group or any subgroup, from the
   * maintained counts (migration 1764400000000), and the number of subgroups at any depth.
   * `deltaRows` says when the group's count rows are worth folding (compactCounts).
   */
  counts: `
SELECT coalesce(sum(direct_members), 0)::int AS "directMembers",
       coalesce(sum(subtree_members), 0)::int AS "subtreeMembers",
       (SELECT count(*) - 1 FROM group_closure WHERE ancestor_id = $1)::int AS "subgroups",
       count(*)::int AS "deltaRows"
FROM group_member_counts WHERE group_id = $1`,

  /** Maintained counts of every group that has any; what the tree shows beside each node. */
  allCounts: `
SELECT group_id AS "groupId",
       sum(direct_members)::int AS "directMembers",
       sum(subtree_members)::int AS "subtreeMembers"
FROM group_member_counts GROUP BY group_id`,

  /** The same numbers counted from the memberships themselves: what the maintained counts must equal. */
  liveCounts: `
SELECT
  (SELECT count(*) FROM group_memberships WHERE group_id = $1)::int AS "directMembers",
  (SELECT count(DISTINCT member.contact_id)
     FROM group_closure below
     JOIN group_memberships member ON member.group_id = below.descendant_id
    WHERE below.ancestor_id = $1)::int AS "subtreeMembers",
  (SELECT count(*) - 1 FROM group_closure WHERE ancestor_id = $1)::int AS "subgroups"`,

  /**
   * Folds the count rows of $1 into one. Skipped while another transaction folds the
   * same group; rows that writers add meanwhile are not seen and stay as they are.
   */
  compactCounts: `
WITH allowed AS (
  SELECT pg_try_advisory_xact_lock(hashtextextended($1::uuid::text, 7463102)) AS granted
), folded AS (
  DELETE FROM group_member_counts WHERE group_id = $1::uuid AND (SELECT granted FROM allowed)
  RETURNING direct_members, subtree_members
), replaced AS (
  INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
  SELECT $1::uuid, sum(direct_members), sum(subtree_members) FROM folded HAVING count(*) > 0
  RETURNING 1
)
SELECT (SELECT count(*) FROM folded)::int AS count`,

  /**
   * Before $1 moves under $2 (null: to the roots): every contact with a membership in
   * the moving subtree leaves each old ancestor that is not also a new one, unless it
   * has a membership below that ancestor outside the subtree, and enters each new
   * ancestor that is not an old one on the same condition.
   */
  adjustCountsForMove: `
WITH moving AS (
  SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1
), old_above AS (
  SELECT ancestor_id AS id FROM group_closure WHERE descendant_id = $1 AND ancestor_id <> $1
), new_above AS (
  SELECT ancestor_id AS id FROM group_closure WHERE descendant_id = $2::uuid
), changed AS (
  SELECT id, -1 AS sign FROM old_above WHERE id NOT IN (SELECT id FROM new_above)
  UNION ALL
  SELECT id, 1 AS sign FROM new_above WHERE id NOT IN (SELECT id FROM old_above)
), carried AS (
  SELECT DISTINCT member.contact_id FROM group_memberships member JOIN moving ON moving.id = member.group_id
), adjusted AS (
  INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
  SELECT changed.id, 0, changed.sign * count(*)
  FROM changed CROSS JOIN carried
  WHERE NOT EXISTS (
    SELECT 1 FROM group_memberships held
    JOIN group_closure covered ON covered.descendant_id = held.group_id
    WHERE held.contact_id = carried.contact_id AND covered.ancestor_id = changed.id
      AND held.group_id NOT IN (SELECT id FROM moving)
  )
  GROUP BY changed.id, changed.sign
  RETURNING 1
)
SELECT count(*)::int AS count FROM adjusted`,

  /** Whether the group has direct subgroups and direct members: what a refusing delete checks. */
  contents: `
SELECT
  EXISTS (SELECT 1 FROM groups WHERE parent_id = $1) AS "hasSubgroups",
  EXISTS (SELECT 1 FROM group_memberships WHERE group_id = $1) AS "hasMembers"`,

  rename: `
WITH renamed AS (UPDATE groups SET name = $2 WHERE id = $1 RETURNING id, parent_id, name, created_at)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM renamed`,

  setParent: `
WITH moved AS (UPDATE groups SET parent_id = $2 WHERE id = $1 RETURNING id, parent_id, name, created_at)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM moved`,

  /** Move, step 1: cut every link from an ancestor above $1 to anything in its subtree. */
  detachSubtree: `
WITH cut AS (
  DELETE FROM group_closure link
  USING group_closure above, group_closure below
  WHERE above.descendant_id = $1 AND above.ancestor_id <> $1
    AND below.ancestor_id = $1
    AND link.ancestor_id = above.ancestor_id AND link.descendant_id = below.descendant_id
  RETURNING 1
)
SELECT count(*)::int AS count FROM cut`,

  /** Move, step 2: link every ancestor-or-self of the new parent $2 to the subtree of $1. */
  attachSubtree: `
WITH linked AS (
  INSERT INTO group_closure (ancestor_id, descendant_id, depth)
  SELECT above.ancestor_id, below.descendant_id, above.depth + below.depth + 1
  FROM group_closure above CROSS JOIN group_closure below
  WHERE above.descendant_id = $2 AND below.ancestor_id = $1
  RETURNING 1
)
SELECT count(*)::int AS count FROM linked`,

  /** Locks every group of the subtree (see lockById). */
  lockSubtree: `
SELECT id FROM groups
WHERE id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = $1)
FOR UPDATE`,

  /**
   * The memberships a recursive delete of $1 removes, each with the subtrees the
   * contact leaves by it: ancestors-or-self of the removed group under which the
   * contact keeps no membership outside the doomed subtree. A subtree the contact
   * leaves through several removed memberships is listed once, on the one whose
   * group id sorts first, so "removed from X" fires once per contact.
   */
  membershipsLeavingSubtree: `
WITH doomed AS (
  SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1
), removed AS (
  SELECT m.contact_id, m.group_id, m.source
  FROM group_memberships m JOIN doomed ON doomed.id = m.group_id
), touched AS (
  SELECT removed.contact_id, up.ancestor_id, (array_agg(removed.group_id ORDER BY removed.group_id))[1] AS carrier
  FROM removed JOIN group_closure up ON up.descendant_id = removed.group_id
  GROUP BY removed.contact_id, up.ancestor_id
), left_behind AS (
  SELECT touched.contact_id, touched.ancestor_id, touched.carrier
  FROM touched
  WHERE NOT EXISTS (
    SELECT 1
    FROM group_memberships kept
    JOIN group_closure below ON below.descendant_id = kept.group_id AND below.ancestor_id = touched.ancestor_id
    WHERE kept.contact_id = touched.contact_id
      AND NOT EXISTS (SELECT 1 FROM doomed WHERE doomed.id = kept.group_id)
  )
)
SELECT removed.contact_id AS "contactId", removed.group_id AS "groupId", removed.source,
  coalesce(
    array_agg(left_behind.ancestor_id ORDER BY distance.depth) FILTER (WHERE left_behind.ancestor_id IS NOT NULL),
    '{}'
  ) AS "subtreesChanged"
FROM removed
LEFT JOIN left_behind ON left_behind.contact_id = removed.contact_id AND left_behind.carrier = removed.group_id
LEFT JOIN group_closure distance
  ON distance.ancestor_id = left_behind.ancestor_id AND distance.descendant_id = removed.group_id
GROUP BY removed.contact_id, removed.group_id, removed.source
ORDER BY removed.contact_id, removed.group_id`,

  /**
   * Lock the contacts whose memberships a delete ends, in id order like
   * MembershipService, so their membership events and counts stay exact.
   */
  lockMembersOfSubtree: `
SELECT id FROM contacts
WHERE id IN (
  SELECT member.contact_id FROM group_memberships member
  JOIN group_closure below ON below.descendant_id = member.group_id
  WHERE below.ancestor_id = $1
)
ORDER BY id
FOR NO KEY UPDATE`,

  lockMembersOfGroup: `
SELECT id FROM contacts
WHERE id IN (SELECT contact_id FROM group_memberships WHERE group_id = $1)
ORDER BY id
FOR NO KEY UPDATE`,

  /**
   * Ends every membership in the subtree of $1 while its closure rows still exist,
   * so the count triggers can see which subtrees the contacts leave.
   */
  removeSubtreeMembers: `
WITH removed AS (
  DELETE FROM group_memberships
  WHERE group_id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = $1)
  RETURNING 1
)
SELECT count(*)::int AS count FROM removed`,

  /** Deletes the subtree of $1 (memberships must be gone already); closure rows go with it. */
  deleteSubtree: `
WITH deleted AS (
  DELETE FROM groups WHERE id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = $1)
  RETURNING id
)
SELECT id FROM deleted`,

  /** Adds every member of $1 to $2 unless already there; returns those it added. */
  copyMembersToParent: `
WITH added AS (
  INSERT INTO group_memberships (contact_id, group_id, added_by, source)
  SELECT contact_id, $2, $3, source FROM group_memberships WHERE group_id = $1
  ON CONFLICT (contact_id, group_id) DO NOTHING
  RETURNING contact_id, source
)
SELECT contact_id AS "contactId", source FROM added ORDER BY contact_id`,

  /**
   * Contacts inside $1's subgroups but not in $1 itself, once each, with the source of
   * their first such membership: deleting $1 takes them out of its subtree too.
   */
  membersOnlyBelow: `
SELECT m.contact_id AS "contactId", (array_agg(m.source ORDER BY m.group_id))[1] AS source
FROM group_memberships m
JOIN group_closure below ON below.descendant_id = m.group_id AND below.ancestor_id = $1 AND below.depth > 0
WHERE NOT EXISTS (
  SELECT 1 FROM group_memberships direct WHERE direct.group_id = $1 AND direct.contact_id = m.contact_id
)
GROUP BY m.contact_id
ORDER BY m.contact_id`,

  removeAllMembers: `
WITH removed AS (DELETE FROM group_memberships WHERE group_id = $1 RETURNING contact_id, source)
SELECT contact_id AS "contactId", source FROM removed ORDER BY contact_id`,

  /** Names of direct subgroups of $1 already taken among the children of $2 (null: the roots). */
  siblingNameClashes: `
SELECT child.name FROM groups child
WHERE child.parent_id = $1
  AND EXISTS (
    SELECT 1 FROM groups other
    WHERE other.parent_id IS NOT DISTINCT FROM $2::uuid AND other.id <> $1 AND other.name = child.name
  )
ORDER BY child.name`,

  /**
   * Before $1 is deleted and its subgroups move up one level: every link from an
   * ancestor above $1 to a descendant below it gets one step shorter.
   */
  shortenLinksThrough: `
WITH shortened AS (
  UPDATE group_closure link SET depth = link.depth - 1
  FROM group_closure above, group_closure below
  WHERE above.descendant_id = $1 AND above.ancestor_id <> $1
    AND below.ancestor_id = $1 AND below.descendant_id <> $1
    AND link.ancestor_id = above.ancestor_id AND link.descendant_id = below.descendant_id
  RETURNING 1
)
SELECT count(*)::int AS count FROM shortened`,

  /**
   * Frees the name of $1 before its subgroups move up beside it: a subgroup may
   * carry the same name as the group it replaces. The id as a name cannot clash.
   */
  vacateName: `
WITH vacated AS (UPDATE groups SET name = id::text WHERE id = $1 RETURNING 1)
SELECT count(*)::int AS count FROM vacated`,

  reparentChildren: `
WITH moved AS (UPDATE groups SET parent_id = $2 WHERE parent_id = $1 RETURNING id)
SELECT count(*)::int AS count FROM moved`,

  deleteOne: `
WITH deleted AS (DELETE FROM groups WHERE id = $1 RETURNING id)
SELECT id FROM deleted`,
} as const;

export type GroupQueryName = keyof typeof GROUP_SQL;
