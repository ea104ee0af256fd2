-- plan explode-list-orders-tag-ids: phase 3 of 5, backfill

-- backfill explode_list.orders.tag_ids: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.orders SET "_orc_side_orders_tag_ids" = "public"."_orc_list_fill_orders_tag_ids"("id", "tag_ids") WHERE <key in batch> AND ("public"."orders"."_orc_side_orders_tag_ids" = '0');

-- gate (checked before `next` leaves this phase):
-- check explode_list.orders.tag_ids.parity: no row of orders where "public"."orders"."_orc_side_orders_tag_ids" = '0'
--   batched scan of public.orders along (id) for rows where "public"."orders"."_orc_side_orders_tag_ids" = '0' OR ARRAY(SELECT _i.item FROM (SELECT DISTINCT _v.item FROM pg_catalog.unnest(pg_catalog.string_to_array("public"."orders"."tag_ids", ',')) AS _x, LATERAL (SELECT CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN pg_catalog.btrim(_x)::bigint END AS item) AS _v WHERE _v.item IS NOT NULL AND EXISTS (SELECT 1 FROM "public"."tags" _p WHERE _p."id" = _v.item)) AS _i ORDER BY 1) IS DISTINCT FROM ARRAY(SELECT _j."tag_id"::bigint FROM "public"."orders_tags" _j WHERE _j."order_id" = "public"."orders"."id" ORDER BY 1)

-- rollback from this phase:
-- step rollback.explode_list.orders.tag_ids.drop
--   DROP TABLE IF EXISTS "public"."orders_tags";
--   DROP TRIGGER IF EXISTS "_orc_list_mark_orders_tag_ids" ON "public"."orders";
--   DROP TRIGGER IF EXISTS "_orc_list_ins_orders_tag_ids" ON "public"."orders";
--   DROP TRIGGER IF EXISTS "_orc_list_upd_orders_tag_ids" ON "public"."orders";
--   DO $orc$ BEGIN
--     IF to_regclass('"public"."orders_tags"') IS NOT NULL THEN
--       DROP TRIGGER IF EXISTS "_orc_list_back_orders_tags" ON "public"."orders_tags";
--     END IF;
--   END $orc$;
--   DROP FUNCTION IF EXISTS "public"."_orc_list_orders_tag_ids"();
--   DROP FUNCTION IF EXISTS "public"."_orc_list_back_orders_tags"();
--   DROP FUNCTION IF EXISTS "public"."_orc_list_fill_orders_tag_ids"(bigint, text);
--   ALTER TABLE "public"."orders" DROP COLUMN IF EXISTS "_orc_side_orders_tag_ids";
