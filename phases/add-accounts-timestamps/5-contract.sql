-- plan add-accounts-timestamps: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('add-accounts-timestamps_old', 'add-accounts-timestamps') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('add-accounts-timestamps_old', 'accounts'), ('add-accounts-timestamps', 'accounts'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('add-accounts-timestamps_old', 'add-accounts-timestamps')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('add-accounts-timestamps_old', 'add-accounts-timestamps') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "add-accounts-timestamps_old"."accounts";
DROP SCHEMA IF EXISTS "add-accounts-timestamps_old";

-- step version_schema.drop
DROP VIEW IF EXISTS "add-accounts-timestamps"."accounts";
DROP SCHEMA IF EXISTS "add-accounts-timestamps";

-- gate (checked before `next` leaves this phase):
-- check add_column.accounts.created_at.column: column accounts.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_column.accounts.created_at.not_null: column accounts.created_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'created_at' AND attnotnull AND NOT attisdropped)
-- check add_column.accounts.created_at.no_helpers: no helper objects (_orc_*) left on accounts
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check add_column.accounts.updated_at.column: column accounts.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'updated_at' AND NOT attisdropped)
-- check add_column.accounts.updated_at.not_null: column accounts.updated_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname = 'updated_at' AND attnotnull AND NOT attisdropped)
-- check add_column.accounts.updated_at.no_helpers: no helper objects (_orc_*) left on accounts
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."accounts"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."accounts"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."accounts"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check version_schema.old.gone: version schema add-accounts-timestamps_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-accounts-timestamps_old')
-- check version_schema.gone: version schema add-accounts-timestamps dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'add-accounts-timestamps')
