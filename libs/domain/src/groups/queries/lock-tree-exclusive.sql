-- GROUP_SQL.lockTreeExclusive (group.sql.ts)
SELECT pg_advisory_xact_lock($1::bigint)
