-- GROUP_SQL.shortenLinksThrough (group.sql.ts)
WITH shortened AS (
  UPDATE group_closure link SET depth = link.depth - 1
  FROM group_closure above, group_closure below
  WHERE above.descendant_id = $1 AND above.ancestor_id <> $1
    AND below.ancestor_id = $1 AND below.descendant_id <> $1
    AND link.ancestor_id = above.ancestor_id AND link.descendant_id = below.descendant_id
  RETURNING 1
)
SELECT count(*)::int AS count FROM shortened
