-- plan rename-comments-posts: phase 4 of 5, transition
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "rename-comments-posts"."posts";
--   DROP SCHEMA IF EXISTS "rename-comments-posts";
-- step rollback.rename_table.comments.posts.restore
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."posts"') IS NOT NULL AND (to_regclass('"public"."comments"') IS NULL OR EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."comments"') AND relkind = 'v')) THEN
--       DROP VIEW IF EXISTS "public"."comments";
--       ALTER TABLE "public"."posts" RENAME TO "comments";
--     END IF;
--   END $orc$;
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-comments-posts_old"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-posts_old";
