-- GROUP_SQL.lockTreeShared (group.sql.ts)
SELECT pg_advisory_xact_lock_shared($1::bigint)
