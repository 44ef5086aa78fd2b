-- GROUP_SQL.deleteSubtree (group.sql.ts)
WITH deleted AS (
  DELETE FROM groups WHERE id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = $1)
  RETURNING id
)
SELECT id FROM deleted
