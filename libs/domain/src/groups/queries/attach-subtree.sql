-- GROUP_SQL.attachSubtree (group.sql.ts)
WITH linked AS (
  INSERT INTO group_closure (ancestor_id, descendant_id, depth)
  SELECT above.ancestor_id, below.descendant_id, above.depth + below.depth + 1
  FROM group_closure above CROSS JOIN group_closure below
  WHERE above.descendant_id = $2 AND below.ancestor_id = $1
  RETURNING 1
)
SELECT count(*)::int AS count FROM linked
