-- plan add-timestamps-tags: phase 4 of 5, transition

-- step add_timestamps.tags.created_at.validate._orc_nn_tags_created_at
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."tags"'::regclass AND conname = '_orc_nn_tags_created_at' AND NOT convalidated) THEN
    ALTER TABLE "public"."tags" VALIDATE CONSTRAINT "_orc_nn_tags_created_at";
  END IF;
END $orc$;

-- step add_timestamps.tags.created_at.set_not_null
ALTER TABLE "public"."tags" ALTER COLUMN "created_at" SET NOT NULL;
ALTER TABLE "public"."tags" DROP CONSTRAINT IF EXISTS "_orc_nn_tags_created_at";

-- step add_timestamps.tags.updated_at.validate._orc_nn_tags_updated_at
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."tags"'::regclass AND conname = '_orc_nn_tags_updated_at' AND NOT convalidated) THEN
    ALTER TABLE "public"."tags" VALIDATE CONSTRAINT "_orc_nn_tags_updated_at";
  END IF;
END $orc$;

-- step add_timestamps.tags.updated_at.set_not_null
ALTER TABLE "public"."tags" ALTER COLUMN "updated_at" SET NOT NULL;
ALTER TABLE "public"."tags" DROP CONSTRAINT IF EXISTS "_orc_nn_tags_updated_at";

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.created_at.not_null: column tags.created_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND attnotnull AND NOT attisdropped)
-- check add_timestamps.tags.updated_at.not_null: column tags.updated_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND attnotnull AND NOT attisdropped)
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
