-- GROUP_SQL.subtreePaths (group.sql.ts)
SELECT member.descendant_id AS id, array_agg(ancestor.name ORDER BY up.depth DESC) AS path
FROM group_closure member
JOIN group_closure up ON up.descendant_id = member.descendant_id
JOIN groups ancestor ON ancestor.id = up.ancestor_id
WHERE member.ancestor_id = $1
GROUP BY member.descendant_id
