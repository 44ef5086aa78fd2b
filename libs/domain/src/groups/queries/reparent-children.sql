-- GROUP_SQL.reparentChildren (group.sql.ts)
WITH moved AS (UPDATE groups SET parent_id = $2 WHERE parent_id = $1 RETURNING id)
SELECT count(*)::int AS count FROM moved
