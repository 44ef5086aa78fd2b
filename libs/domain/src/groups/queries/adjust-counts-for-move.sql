-- GROUP_SQL.adjustCountsForMove (group.sql.ts)
WITH moving AS (
  SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1
), old_above AS (
  SELECT ancestor_id AS id FROM group_closure WHERE descendant_id = $1 AND ancestor_id <> $1
), new_above AS (
  SELECT ancestor_id AS id FROM group_closure WHERE descendant_id = $2::uuid
), changed AS (
  SELECT id, -1 AS sign FROM old_above WHERE id NOT IN (SELECT id FROM new_above)
  UNION ALL
  SELECT id, 1 AS sign FROM new_above WHERE id NOT IN (SELECT id FROM old_above)
), carried AS (
  SELECT DISTINCT member.contact_id FROM group_memberships member JOIN moving ON moving.id = member.group_id
), adjusted AS (
  INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
  SELECT changed.id, 0, changed.sign * count(*)
  FROM changed CROSS JOIN carried
  WHERE NOT EXISTS (
    SELECT 1 FROM group_memberships held
    JOIN group_closure covered ON covered.descendant_id = held.group_id
    WHERE held.contact_id = carried.contact_id AND covered.ancestor_id = changed.id
      AND held.group_id NOT IN (SELECT id FROM moving)
  )
  GROUP BY changed.id, changed.sign
  RETURNING 1
)
SELECT count(*)::int AS count FROM adjusted
