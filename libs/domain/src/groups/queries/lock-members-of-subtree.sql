-- GROUP_SQL.lockMembersOfSubtree (group.sql.ts)
SELECT id FROM contacts
WHERE id IN (
  SELECT member.contact_id FROM group_memberships member
  JOIN group_closure below ON below.descendant_id = member.group_id
  WHERE below.ancestor_id = $1
)
ORDER BY id
FOR NO KEY UPDATE
