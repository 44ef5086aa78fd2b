-- GROUP_SQL.subtreeIds (group.sql.ts)
SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1
