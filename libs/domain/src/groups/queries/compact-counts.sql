-- GROUP_SQL.compactCounts (group.sql.ts)
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
SELECT (SELECT count(*) FROM folded)::int AS count
