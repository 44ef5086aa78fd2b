-- GROUP_SQL.membershipsLeavingSubtree (group.sql.ts)
WITH doomed AS (
  SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = $1
), removed AS (
  SELECT m.contact_id, m.group_id, m.source
  FROM group_memberships m JOIN doomed ON doomed.id = m.group_id
), touched AS (
  SELECT removed.contact_id, up.ancestor_id, (array_agg(removed.group_id ORDER BY removed.group_id))[1] AS carrier
  FROM removed JOIN group_closure up ON up.descendant_id = removed.group_id
  GROUP BY removed.contact_id, up.ancestor_id
), left_behind AS (
  SELECT touched.contact_id, touched.ancestor_id, touched.carrier
  FROM touched
  WHERE NOT EXISTS (
    SELECT 1
    FROM group_memberships kept
    JOIN group_closure below ON below.descendant_id = kept.group_id AND below.ancestor_id = touched.ancestor_id
    WHERE kept.contact_id = touched.contact_id
      AND NOT EXISTS (SELECT 1 FROM doomed WHERE doomed.id = kept.group_id)
  )
)
SELECT removed.contact_id AS "contactId", removed.group_id AS "groupId", removed.source,
  coalesce(
    array_agg(left_behind.ancestor_id ORDER BY distance.depth) FILTER (WHERE left_behind.ancestor_id IS NOT NULL),
    '{}'
  ) AS "subtreesChanged"
FROM removed
LEFT JOIN left_behind ON left_behind.contact_id = removed.contact_id AND left_behind.carrier = removed.group_id
LEFT JOIN group_closure distance
  ON distance.ancestor_id = left_behind.ancestor_id AND distance.descendant_id = removed.group_id
GROUP BY removed.contact_id, removed.group_id, removed.source
ORDER BY removed.contact_id, removed.group_id
