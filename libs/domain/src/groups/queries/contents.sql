-- GROUP_SQL.contents (group.sql.ts)
SELECT
  EXISTS (SELECT 1 FROM groups WHERE parent_id = $1) AS "hasSubgroups",
  EXISTS (SELECT 1 FROM group_memberships WHERE group_id = $1) AS "hasMembers"
