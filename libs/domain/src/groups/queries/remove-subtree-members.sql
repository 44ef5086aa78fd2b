-- GROUP_SQL.removeSubtreeMembers (group.sql.ts)
WITH removed AS (
  DELETE FROM group_memberships
  WHERE group_id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = $1)
  RETURNING 1
)
SELECT count(*)::int AS count FROM removed
