-- plan explode-list-orders-tag-ids: phase 5 of 5, contract

-- before anything runs, check version_schema.only_views: the version schemas hold only the plan's views (else `next` stops, exit 3)
--   SELECT found = '', CASE WHEN found <> '' THEN format('found %s: an application created them through a search_path that starts with a version schema; move each to "public" (ALTER ... SET SCHEMA "public") or drop it, then run `orchestrate next` again; contract has changed nothing', found) END FROM (SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') AS found FROM (
--     SELECT format('%s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END, c.oid::regclass) AS what
--       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
--      WHERE n.nspname IN ('explode-list-orders-tag-ids_old', 'explode-list-orders-tag-ids') AND c.relkind NOT IN ('i', 'I', 't')
--        AND (n.nspname::text, c.relname::text) NOT IN (VALUES ('explode-list-orders-tag-ids_old', 'orders'), ('explode-list-orders-tag-ids', 'orders'), ('explode-list-orders-tag-ids', 'orders_tags'))
--     UNION ALL
--     SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p
--       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('explode-list-orders-tag-ids_old', 'explode-list-orders-tag-ids')
--     UNION ALL
--     SELECT format('type %s', t.oid::regtype) FROM pg_type t
--       JOIN pg_namespace n ON n.oid = t.typnamespace
--      WHERE n.nspname IN ('explode-list-orders-tag-ids_old', 'explode-list-orders-tag-ids') AND t.typrelid = 0 AND t.typelem = 0
--   ) objects) f

-- step version_schema.old.drop
DROP VIEW IF EXISTS "explode-list-orders-tag-ids_old"."orders";
DROP SCHEMA IF EXISTS "explode-list-orders-tag-ids_old";

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

-- step version_schema.drop
DROP VIEW IF EXISTS "explode-list-orders-tag-ids"."orders";
DROP VIEW IF EXISTS "explode-list-orders-tag-ids"."orders_tags";
DROP SCHEMA IF EXISTS "explode-list-orders-tag-ids";

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
-- check version_schema.old.gone: version schema explode-list-orders-tag-ids_old dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'explode-list-orders-tag-ids_old')
-- check version_schema.gone: version schema explode-list-orders-tag-ids dropped
--   SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'explode-list-orders-tag-ids')
