-- GROUP_SQL.counts (group.sql.ts)
SELECT coalesce(sum(direct_members), 0)::int AS "directMembers",
       coalesce(sum(subtree_members), 0)::int AS "subtreeMembers",
       (SELECT count(*) - 1 FROM group_closure WHERE ancestor_id = $1)::int AS "subgroups",
       count(*)::int AS "deltaRows"
FROM group_member_counts WHERE group_id = $1
