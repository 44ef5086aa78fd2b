-- GROUP_SQL.membersOnlyBelow (group.sql.ts)
SELECT m.contact_id AS "contactId", (array_agg(m.source ORDER BY m.group_id))[1] AS source
FROM group_memberships m
JOIN group_closure below ON below.descendant_id = m.group_id AND below.ancestor_id = $1 AND below.depth > 0
WHERE NOT EXISTS (
  SELECT 1 FROM group_memberships direct WHERE direct.group_id = $1 AND direct.contact_id = m.contact_id
)
GROUP BY m.contact_id
ORDER BY m.contact_id
