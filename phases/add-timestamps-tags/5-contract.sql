-- plan add-timestamps-tags: phase 5 of 5, contract

-- step add_timestamps.tags.swap
DROP TRIGGER IF EXISTS "_orc_sync_ins_tags_timestamps" ON "public"."tags";
DROP TRIGGER IF EXISTS "_orc_sync_upd_tags_timestamps" ON "public"."tags";
DROP FUNCTION IF EXISTS "public"."_orc_sync_tags_timestamps"();
ALTER TABLE "public"."tags" DROP COLUMN IF EXISTS "_orc_side_tags_timestamps";

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.present.created_at: column tags.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_timestamps.tags.not_null.created_at: column tags.created_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND attnotnull AND NOT attisdropped)
-- check add_timestamps.tags.present.updated_at: column tags.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND NOT attisdropped)
-- check add_timestamps.tags.not_null.updated_at: column tags.updated_at is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND attnotnull AND NOT attisdropped)
-- check add_timestamps.tags.sync_gone: triggers _orc_sync_ins_tags_timestamps and _orc_sync_upd_tags_timestamps and function _orc_sync_tags_timestamps dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname IN ('_orc_sync_ins_tags_timestamps', '_orc_sync_upd_tags_timestamps') AND tgrelid = to_regclass('"public"."tags"')) AND to_regprocedure('"public"."_orc_sync_tags_timestamps"()') IS NULL
-- check add_timestamps.tags.no_helpers: no helper objects (_orc_*) left on tags
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."tags"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."tags"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check add_timestamps.tags.touch: triggers touch_tags_updated_at_1 and touch_tags_updated_at_2 advance tags.updated_at on every UPDATE that does not write it
--   SELECT count(*) = 2 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."tags"') AND tgname IN ('touch_tags_updated_at_1', 'touch_tags_updated_at_2') AND tgenabled <> 'D'
