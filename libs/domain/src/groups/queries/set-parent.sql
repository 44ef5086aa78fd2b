-- GROUP_SQL.setParent (group.sql.ts)
WITH moved AS (UPDATE groups SET parent_id = $2 WHERE id = $1 RETURNING id, parent_id, name, created_at)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM moved
