-- GROUP_SQL.liveCounts (group.sql.ts)
SELECT
  (SELECT count(*) FROM group_memberships WHERE group_id = $1)::int AS "directMembers",
  (SELECT count(DISTINCT member.contact_id)
     FROM group_closure below
     JOIN group_memberships member ON member.group_id = below.descendant_id
    WHERE below.ancestor_id = $1)::int AS "subtreeMembers",
  (SELECT count(*) - 1 FROM group_closure WHERE ancestor_id = $1)::int AS "subgroups"
