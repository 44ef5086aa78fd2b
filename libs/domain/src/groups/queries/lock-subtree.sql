-- GROUP_SQL.lockSubtree (group.sql.ts)
SELECT id FROM groups
WHERE id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = $1)
FOR UPDATE
