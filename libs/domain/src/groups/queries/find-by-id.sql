-- GROUP_SQL.findById (group.sql.ts)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM groups WHERE id = $1
