-- GROUP_SQL.insert (group.sql.ts)
WITH inserted AS (
  INSERT INTO groups (parent_id, name) VALUES ($1, $2)
  RETURNING id, parent_id, name, created_at
), closure AS (
  INSERT INTO group_closure (ancestor_id, descendant_id, depth)
  SELECT id, id, 0 FROM inserted
  UNION ALL
  SELECT above.ancestor_id, inserted.id, above.depth + 1
  FROM inserted JOIN group_closure above ON above.descendant_id = inserted.parent_id
)
SELECT id, parent_id AS "parentId", name, created_at AS "createdAt" FROM inserted
