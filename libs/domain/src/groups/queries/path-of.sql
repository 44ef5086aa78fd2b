-- GROUP_SQL.pathOf (group.sql.ts)
SELECT array_agg(ancestor.name ORDER BY up.depth DESC) AS path
FROM group_closure up JOIN groups ancestor ON ancestor.id = up.ancestor_id
WHERE up.descendant_id = $1
