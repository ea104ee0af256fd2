-- plan rename-comments-posts: phase 4 of 5, transition
-- (no steps: this phase passes at once for this plan)

-- gate (checked before `next` leaves this phase):
--   (nothing to check)

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
