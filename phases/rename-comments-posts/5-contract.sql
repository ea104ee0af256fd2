-- plan rename-comments-posts: phase 5 of 5, contract

-- step rename_table.comments.posts.drop_view
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind = 'v') THEN
    DROP VIEW "public"."comments";
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check rename_table.comments.posts.table: posts is a table
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."posts"') AND relkind IN ('r', 'p'))
-- check rename_table.comments.posts.old_name_gone: nothing is named comments any more
--   SELECT to_regclass('"public"."comments"') IS NULL
