-- GROUP_SQL.findAll (group.sql.ts)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM groups ORDER BY name, id
