-- GROUP_SQL.deleteOne (group.sql.ts)
WITH deleted AS (DELETE FROM groups WHERE id = $1 RETURNING id)
SELECT id FROM deleted
