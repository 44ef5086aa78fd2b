-- GROUP_SQL.resolvePath (group.sql.ts)
WITH RECURSIVE walk AS (
  SELECT id, 1 AS depth FROM groups WHERE parent_id IS NULL AND name = ($1::text[])[1]
  UNION ALL
  SELECT child.id, walk.depth + 1
  FROM walk JOIN groups child ON child.parent_id = walk.id AND child.name = ($1::text[])[walk.depth + 1]
)
SELECT id, depth FROM walk ORDER BY depth DESC LIMIT 1
