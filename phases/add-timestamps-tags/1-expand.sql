-- plan add-timestamps-tags: phase 1 of 5, expand

-- step add_timestamps.tags.add_columns
ALTER TABLE "public"."tags"
  ADD COLUMN IF NOT EXISTS "created_at" timestamp with time zone,
  ALTER COLUMN "created_at" SET DEFAULT now(),
  ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone,
  ALTER COLUMN "updated_at" SET DEFAULT now(),
  ADD COLUMN IF NOT EXISTS "_orc_side_tags_timestamps" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.column.created_at: column tags.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_timestamps.tags.column.updated_at: column tags.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND NOT attisdropped)
-- check add_timestamps.tags.side_column: column tags._orc_side_tags_timestamps exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = '_orc_side_tags_timestamps' AND NOT attisdropped)

-- rollback from this phase:
-- step rollback.add_timestamps.tags.drop
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_1" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_2" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."touch_tags_updated_at"();
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_tags_timestamps" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_tags_timestamps" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_tags_timestamps"();
--   ALTER TABLE "public"."tags" DROP COLUMN IF EXISTS "created_at", DROP COLUMN IF EXISTS "updated_at", DROP COLUMN IF EXISTS "_orc_side_tags_timestamps";
