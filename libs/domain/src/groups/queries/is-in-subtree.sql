-- GROUP_SQL.isInSubtree (group.sql.ts)
SELECT EXISTS (SELECT 1 FROM group_closure WHERE ancestor_id = $1 AND descendant_id = $2) AS "inSubtree"
