-- GROUP_SQL.copyMembersToParent (group.sql.ts)
WITH added AS (
  INSERT INTO group_memberships (contact_id, group_id, added_by, source)
  SELECT contact_id, $2, $3, source FROM group_memberships WHERE group_id = $1
  ON CONFLICT (contact_id, group_id) DO NOTHING
  RETURNING contact_id, source
)
SELECT contact_id AS "contactId", source FROM added ORDER BY contact_id
