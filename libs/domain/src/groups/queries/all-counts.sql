-- GROUP_SQL.allCounts (group.sql.ts)
SELECT group_id AS "groupId",
       sum(direct_members)::int AS "directMembers",
       sum(subtree_members)::int AS "subtreeMembers"
FROM group_member_counts GROUP BY group_id
