-- plan rename-comments-posts: phase 1 of 5, expand

-- step rename_table.comments.posts.rename
DO $orc$ BEGIN
  IF to_regclass('"public"."posts"') IS NULL THEN
    ALTER TABLE "public"."comments" RENAME TO "posts";
    CREATE VIEW "public"."comments" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."posts";
  END IF;
END $orc$;
DO $orc$ DECLARE g record; BEGIN
  FOR g IN SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."posts"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') LOOP
    EXECUTE format('GRANT %s ON %s TO %s', g.privilege_type, '"public"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
  END LOOP;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check rename_table.comments.posts.table: posts is a table
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."posts"') AND relkind IN ('r', 'p'))
-- check rename_table.comments.posts.view: comments is a view
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind IN ('v'))

-- rollback from this phase:
-- step rollback.rename_table.comments.posts.drop_view
--   DO $orc$ BEGIN
--     IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind = 'v') THEN
--       DROP VIEW "public"."comments";
--     END IF;
--   END $orc$;
-- step rollback.rename_table.comments.posts.rename_back
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."comments"') IS NULL AND to_regclass('"public"."posts"') IS NOT NULL THEN
--       ALTER TABLE "public"."posts" RENAME TO "comments";
--     END IF;
--   END $orc$;
