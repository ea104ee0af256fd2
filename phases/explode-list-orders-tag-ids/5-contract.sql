-- plan explode-list-orders-tag-ids: phase 5 of 5, contract

-- step explode_list.orders.tag_ids.contract
DROP TRIGGER IF EXISTS "_orc_list_mark_orders_tag_ids" ON "public"."orders";
DROP TRIGGER IF EXISTS "_orc_list_ins_orders_tag_ids" ON "public"."orders";
DROP TRIGGER IF EXISTS "_orc_list_upd_orders_tag_ids" ON "public"."orders";
DO $orc$ BEGIN
  IF to_regclass('"public"."orders_tags"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "_orc_list_back_orders_tags" ON "public"."orders_tags";
  END IF;
END $orc$;
DROP FUNCTION IF EXISTS "public"."_orc_list_orders_tag_ids"();
DROP FUNCTION IF EXISTS "public"."_orc_list_back_orders_tags"();
DROP FUNCTION IF EXISTS "public"."_orc_list_fill_orders_tag_ids"(bigint, text);
ALTER TABLE "public"."orders" DROP COLUMN IF EXISTS "tag_ids", DROP COLUMN IF EXISTS "_orc_side_orders_tag_ids";

-- gate (checked before `next` leaves this phase):
-- check explode_list.orders.tag_ids.old_gone: column orders.tag_ids is gone
--   SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders"') AND attname = 'tag_ids' AND NOT attisdropped)
-- check explode_list.orders.tag_ids.sync_gone: the sync triggers and their functions are dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid IN (to_regclass('"public"."orders"'), to_regclass('"public"."orders_tags"')) AND tgname IN ('_orc_list_mark_orders_tag_ids', '_orc_list_ins_orders_tag_ids', '_orc_list_upd_orders_tag_ids', '_orc_list_back_orders_tags')) AND NOT EXISTS (SELECT 1 FROM unnest(ARRAY['"public"."_orc_list_orders_tag_ids"()', '"public"."_orc_list_back_orders_tags"()', '"public"."_orc_list_fill_orders_tag_ids"(bigint, text)']) f WHERE to_regprocedure(f) IS NOT NULL)
-- check explode_list.orders.tag_ids.no_helpers: no helper objects (_orc_*) left on orders
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."orders"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."orders"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
-- check explode_list.orders.tag_ids.no_helpers_into: no helper objects (_orc_*) left on orders_tags
--   SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."orders_tags"') AND conname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."orders_tags"') AND tgname LIKE '\_orc\_%')
--      AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders_tags"') AND attname LIKE '\_orc\_%' AND NOT attisdropped)
