-- GROUP_SQL.detachSubtree (group.sql.ts)
WITH cut AS (
  DELETE FROM group_closure link
  USING group_closure above, group_closure below
  WHERE above.descendant_id = $1 AND above.ancestor_id <> $1
    AND below.ancestor_id = $1
    AND link.ancestor_id = above.ancestor_id AND link.descendant_id = below.descendant_id
  RETURNING 1
)
SELECT count(*)::int AS count FROM cut
