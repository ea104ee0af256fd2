-- plan tidy-catalog: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('tidy-catalog_old', 'tidy-catalog') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('tidy-catalog_old', 'accounts'), ('tidy-catalog_old', 'orders'), ('tidy-catalog_old', 'posts'), ('tidy-catalog_old', 'users'), ('tidy-catalog', 'accounts'), ('tidy-catalog', 'orders'), ('tidy-catalog', 'posts'), ('tidy-catalog', 'users'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('tidy-catalog_old', 'tidy-catalog')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('tidy-catalog_old', 'tidy-catalog') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "tidy-catalog_old"."accounts";
DROP VIEW IF EXISTS "tidy-catalog_old"."orders";
DROP VIEW IF EXISTS "tidy-catalog_old"."posts";
DROP VIEW IF EXISTS "tidy-catalog_old"."users";
DROP SCHEMA IF EXISTS "tidy-catalog_old";

-- step rename_constraint.posts.comments_pkey.rename
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'comments_pkey') AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'posts_pkey') THEN
    ALTER TABLE "public"."posts" RENAME CONSTRAINT "comments_pkey" TO "posts_pkey";
  END IF;
END $orc$;

-- step rename_constraint.posts.comments_body_not_empty.rename
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'comments_body_not_empty') AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'posts_body_not_empty') THEN
    ALTER TABLE "public"."posts" RENAME CONSTRAINT "comments_body_not_empty" TO "posts_body_not_empty";
  END IF;
END $orc$;

-- step set_default.accounts.balance.set
ALTER TABLE "public"."accounts" ALTER COLUMN "balance" SET DEFAULT 100;

-- step drop_default.orders.total_cents.drop
ALTER TABLE "public"."orders" ALTER COLUMN "total_cents" DROP DEFAULT;

-- step drop_index.users_phone_idx.drop (outside a transaction)
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_phone_idx";
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT to_regclass('"public"."users_phone_idx"') IS NULL

-- step version_schema.drop
DROP VIEW IF EXISTS "tidy-catalog"."accounts";
DROP VIEW IF EXISTS "tidy-catalog"."orders";
DROP VIEW IF EXISTS "tidy-catalog"."posts";
DROP VIEW IF EXISTS "tidy-catalog"."users";
DROP SCHEMA IF EXISTS "tidy-catalog";

-- gate (checked before `next` leaves this phase):
-- check rename_constraint.posts.comments_pkey.renamed: table posts has constraint posts_pkey and no comments_pkey
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'posts_pkey') AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'comments_pkey')
-- check rename_constraint.posts.comments_body_not_empty.renamed: table posts has constraint posts_body_not_empty and no comments_body_not_empty
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'posts_body_not_empty') AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."posts"'::regclass AND conname = 'comments_body_not_empty')
-- check set_comment.posts.holds: posts has the plan's comment
--   SELECT (SELECT obj_description('"public"."posts"'::regclass, 'pg_class')) IS NOT DISTINCT FROM 'What users write under a post; comments until plan 013'
-- check set_comment.accounts.user_id.holds: accounts.user_id has the plan's comment
--   SELECT (SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = '"public"."accounts"'::regclass AND attname = 'user_id') IS NOT DISTINCT FROM 'The one user who owns the account'
-- check set_default.accounts.balance.holds: accounts.balance has a default
--   SELECT EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = '"public"."accounts"'::regclass AND a.attname = 'balance')
-- check drop_default.orders.total_cents.holds: orders.total_cents has no default
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = '"public"."orders"'::regclass AND a.attname = 'total_cents')
-- check set_replica_identity.accounts.holds: table accounts has replica identity USING INDEX accounts_user_id_key
--   SELECT (SELECT relreplident FROM pg_class WHERE oid = '"public"."accounts"'::regclass) = 'i' AND EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."accounts_user_id_key"') AND indisreplident)
-- check drop_index.users_phone_idx.gone: index users_phone_idx is gone
--   SELECT to_regclass('"public"."users_phone_idx"') IS NULL
-- check version_schema.old.gone: version schema tidy-catalog_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tidy-catalog_old')
-- check version_schema.gone: version schema tidy-catalog dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tidy-catalog')
