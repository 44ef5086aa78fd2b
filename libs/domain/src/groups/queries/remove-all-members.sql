-- GROUP_SQL.removeAllMembers (group.sql.ts)
WITH removed AS (DELETE FROM group_memberships WHERE group_id = $1 RETURNING contact_id, source)
SELECT contact_id AS "contactId", source FROM removed ORDER BY contact_id
