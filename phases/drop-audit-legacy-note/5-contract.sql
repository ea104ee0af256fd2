-- plan drop-audit-legacy-note: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('drop-audit-legacy-note_old', 'drop-audit-legacy-note') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('drop-audit-legacy-note_old', 'audit_log'), ('drop-audit-legacy-note', 'audit_log'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('drop-audit-legacy-note_old', 'drop-audit-legacy-note')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('drop-audit-legacy-note_old', 'drop-audit-legacy-note') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "drop-audit-legacy-note_old"."audit_log";
DROP SCHEMA IF EXISTS "drop-audit-legacy-note_old";

-- step drop_column.audit_log.legacy_note.drop_column
ALTER TABLE "public"."audit_log" DROP COLUMN IF EXISTS "legacy_note";

-- step version_schema.drop
DROP VIEW IF EXISTS "drop-audit-legacy-note"."audit_log";
DROP SCHEMA IF EXISTS "drop-audit-legacy-note";

-- gate (checked before `next` leaves this phase):
-- check drop_column.audit_log.legacy_note.gone: column audit_log.legacy_note is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."audit_log"') AND attname = 'legacy_note' AND NOT attisdropped)
-- check version_schema.old.gone: version schema drop-audit-legacy-note_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'drop-audit-legacy-note_old')
-- check version_schema.gone: version schema drop-audit-legacy-note dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'drop-audit-legacy-note')
