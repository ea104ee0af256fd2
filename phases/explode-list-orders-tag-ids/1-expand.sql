-- plan explode-list-orders-tag-ids: phase 1 of 5, expand

-- step explode_list.orders.tag_ids.create_table
CREATE TABLE IF NOT EXISTS "public"."orders_tags" (
  "order_id" bigint NOT NULL REFERENCES "public"."orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "tag_id" integer NOT NULL REFERENCES "public"."tags" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY ("order_id", "tag_id"));
CREATE INDEX IF NOT EXISTS "orders_tags_tag_id_idx" ON "public"."orders_tags" ("tag_id");

-- step explode_list.orders.tag_ids.side_column
ALTER TABLE "public"."orders" ADD COLUMN IF NOT EXISTS "_orc_side_orders_tag_ids" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check explode_list.orders.tag_ids.table: table orders_tags exists
--   SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."orders_tags"') AND relkind = 'r')
-- check explode_list.orders.tag_ids.side_column: column orders._orc_side_orders_tag_ids exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders"') AND attname = '_orc_side_orders_tag_ids' AND NOT attisdropped)

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
