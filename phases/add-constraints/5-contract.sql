-- plan add-constraints: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('add-constraints_old', 'add-constraints') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('add-constraints_old', 'accounts'), ('add-constraints_old', 'audit_log'), ('add-constraints_old', 'comments'), ('add-constraints', 'accounts'), ('add-constraints', 'audit_log'), ('add-constraints', 'comments'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('add-constraints_old', 'add-constraints')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('add-constraints_old', 'add-constraints') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "add-constraints_old"."accounts";
DROP VIEW IF EXISTS "add-constraints_old"."audit_log";
DROP VIEW IF EXISTS "add-constraints_old"."comments";
DROP SCHEMA IF EXISTS "add-constraints_old";

-- step version_schema.drop
DROP VIEW IF EXISTS "add-constraints"."accounts";
DROP VIEW IF EXISTS "add-constraints"."audit_log";
DROP VIEW IF EXISTS "add-constraints"."comments";
DROP SCHEMA IF EXISTS "add-constraints";

-- gate (checked before `next` leaves this phase):
-- check add_check.comments.comments_body_not_empty.validated: constraint comments_body_not_empty exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname = 'comments_body_not_empty' AND convalidated)
-- check add_unique.accounts.accounts_user_id_key.constraint: constraint accounts_user_id_key exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname = 'accounts_user_id_key' AND convalidated)
-- check add_unique.accounts.accounts_user_id_key.index: index accounts_user_id_key exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND indisvalid AND indisready)
-- check add_foreign_key.audit_log.audit_log_account_id_fkey.validated: constraint audit_log_account_id_fkey exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."audit_log"') AND conname = 'audit_log_account_id_fkey' AND convalidated)
-- check version_schema.old.gone: version schema add-constraints_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-constraints_old')
-- check version_schema.gone: version schema add-constraints dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-constraints')
