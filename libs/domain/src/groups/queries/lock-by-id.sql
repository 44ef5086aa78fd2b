-- GROUP_SQL.lockById (group.sql.ts)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM groups WHERE id = $1 FOR UPDATE
