-- GROUP_SQL.vacateName (group.sql.ts)
WITH vacated AS (UPDATE groups SET name = id::text WHERE id = $1 RETURNING 1)
SELECT count(*)::int AS count FROM vacated
