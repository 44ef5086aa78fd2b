-- GROUP_SQL.rename (group.sql.ts)
WITH renamed AS (UPDATE groups SET name = $2 WHERE id = $1 RETURNING id, parent_id, name, created_at)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM renamed
