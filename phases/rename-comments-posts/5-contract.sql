-- plan rename-comments-posts: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('rename-comments-posts_old', 'rename-comments-posts') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('rename-comments-posts_old', 'comments'), ('rename-comments-posts', 'posts'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('rename-comments-posts_old', 'rename-comments-posts')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('rename-comments-posts_old', 'rename-comments-posts') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "rename-comments-posts_old"."comments";
DROP SCHEMA IF EXISTS "rename-comments-posts_old";

-- step rename_table.comments.posts.drop_view
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind = 'v') THEN
    DROP VIEW "public"."comments";
  END IF;
END $orc$;

-- step version_schema.drop
DROP VIEW IF EXISTS "rename-comments-posts"."posts";
DROP SCHEMA IF EXISTS "rename-comments-posts";

-- gate (checked before `next` leaves this phase):
-- check rename_table.comments.posts.table: posts is a table
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."posts"') AND relkind IN ('r', 'p'))
-- check rename_table.comments.posts.old_name_gone: nothing is named comments any more
--   SELECT to_regclass('"public"."comments"') IS NULL
-- check version_schema.old.gone: version schema rename-comments-posts_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rename-comments-posts_old')
-- check version_schema.gone: version schema rename-comments-posts dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rename-comments-posts')
