-- GROUP_SQL.siblingNameClashes (group.sql.ts)
SELECT child.name FROM groups child
WHERE child.parent_id = $1
  AND EXISTS (
    SELECT 1 FROM groups other
    WHERE other.parent_id IS NOT DISTINCT FROM $2::uuid AND other.id <> $1 AND other.name = child.name
  )
ORDER BY child.name
