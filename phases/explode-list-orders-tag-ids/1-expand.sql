-- plan explode-list-orders-tag-ids: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "explode-list-orders-tag-ids_old";
CREATE OR REPLACE VIEW "explode-list-orders-tag-ids_old"."orders" AS SELECT "id", "customer_email", "tag_ids", "total_cents", "created_at", "updated_at" FROM "public"."orders";
COMMENT ON VIEW "explode-list-orders-tag-ids_old"."orders" IS 'orchestrate: the old application''s view of "public"."orders" while plan explode-list-orders-tag-ids runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('customer_email', 'customer_email'), ('tag_ids', 'tag_ids'), ('total_cents', 'total_cents'), ('created_at', 'created_at'), ('updated_at', 'updated_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."orders"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"explode-list-orders-tag-ids_old"."orders"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"explode-list-orders-tag-ids_old"."orders"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."orders"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"explode-list-orders-tag-ids_old"."orders"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"explode-list-orders-tag-ids_old"."orders"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"explode-list-orders-tag-ids_old"."orders"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."orders"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."orders"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"explode-list-orders-tag-ids_old"."orders"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"explode-list-orders-tag-ids_old"."orders"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "explode-list-orders-tag-ids_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "explode-list-orders-tag-ids_old" TO PUBLIC;

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
-- check version_schema.view.explode-list-orders-tag-ids_old.orders: view explode-list-orders-tag-ids_old.orders shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 6 FROM pg_class c WHERE c.oid = to_regclass('"explode-list-orders-tag-ids_old"."orders"')), false)

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
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "explode-list-orders-tag-ids_old"."orders";
--   DROP SCHEMA IF EXISTS "explode-list-orders-tag-ids_old";
