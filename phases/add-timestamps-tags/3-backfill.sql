-- plan add-timestamps-tags: phase 3 of 5, backfill

-- backfill add_timestamps.tags: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.tags SET "created_at" = (COALESCE("created_at", (now()))), "updated_at" = (COALESCE("updated_at", (now()))), "_orc_side_tags_timestamps" = 'b' WHERE <key in batch> AND ("_orc_side_tags_timestamps" = '0');

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.parity: no row of tags where "_orc_side_tags_timestamps" = '0'
--   one scan of public.tags (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_tags_timestamps" WHEN '0' THEN true WHEN 'n' THEN false ELSE ("created_at" IS DISTINCT FROM CAST((COALESCE("created_at", (now()))) AS timestamp with time zone) OR "updated_at" IS DISTINCT FROM CAST((COALESCE("updated_at", (now()))) AS timestamp with time zone)) END

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "add-timestamps-tags"."tags";
--   DROP SCHEMA IF EXISTS "add-timestamps-tags";
-- step rollback.add_timestamps.tags.drop
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_1" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_2" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."touch_tags_updated_at"();
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_tags_timestamps" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_tags_timestamps" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_tags_timestamps"();
--   ALTER TABLE "public"."tags" DROP COLUMN IF EXISTS "created_at", DROP COLUMN IF EXISTS "updated_at", DROP COLUMN IF EXISTS "_orc_side_tags_timestamps";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-timestamps-tags_old"."tags";
--   DROP SCHEMA IF EXISTS "add-timestamps-tags_old";
