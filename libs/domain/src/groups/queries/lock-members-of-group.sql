-- GROUP_SQL.lockMembersOfGroup (group.sql.ts)
SELECT id FROM contacts
WHERE id IN (SELECT contact_id FROM group_memberships WHERE group_id = $1)
ORDER BY id
FOR NO KEY UPDATE
