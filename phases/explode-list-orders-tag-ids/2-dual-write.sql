-- plan explode-list-orders-tag-ids: phase 2 of 5, dual_write

-- step explode_list.orders.tag_ids.sync
CREATE OR REPLACE FUNCTION "public"."_orc_list_orders_tag_ids"() RETURNS trigger LANGUAGE plpgsql AS $orc$
BEGIN
  IF TG_WHEN = 'BEFORE' THEN
    -- The sync's own writes and the backfill set the marker themselves.
    IF pg_catalog.current_setting('orchestrate.list_sync', true) = 'on' THEN
      RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
      NEW."_orc_side_orders_tag_ids" := 'o';
    ELSIF NEW."_orc_side_orders_tag_ids" IS NOT DISTINCT FROM OLD."_orc_side_orders_tag_ids" AND NEW."tag_ids" IS DISTINCT FROM OLD."tag_ids" THEN
      NEW."_orc_side_orders_tag_ids" := 'o';
    END IF;
    RETURN NEW;
  END IF;
  -- The old application wrote the string: the row's join rows become its items.
  PERFORM pg_catalog.set_config('orchestrate.list_sync', 'on', true);
  DELETE FROM "public"."orders_tags" _j WHERE _j."order_id" = NEW."id" AND _j."tag_id" NOT IN (SELECT DISTINCT _v.item FROM pg_catalog.unnest(pg_catalog.string_to_array(NEW."tag_ids", ',')) AS _x, LATERAL (SELECT CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN pg_catalog.btrim(_x)::bigint END AS item) AS _v WHERE _v.item IS NOT NULL AND EXISTS (SELECT 1 FROM "public"."tags" _p WHERE _p."id" = _v.item));
  INSERT INTO "public"."orders_tags" ("order_id", "tag_id") SELECT NEW."id", _i.item FROM (SELECT DISTINCT _v.item FROM pg_catalog.unnest(pg_catalog.string_to_array(NEW."tag_ids", ',')) AS _x, LATERAL (SELECT CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN pg_catalog.btrim(_x)::bigint END AS item) AS _v WHERE _v.item IS NOT NULL AND EXISTS (SELECT 1 FROM "public"."tags" _p WHERE _p."id" = _v.item)) AS _i ON CONFLICT DO NOTHING;
  PERFORM pg_catalog.set_config('orchestrate.list_sync', '', true);
  RETURN NULL;
END $orc$;
CREATE OR REPLACE FUNCTION "public"."_orc_list_back_orders_tags"() RETURNS trigger LANGUAGE plpgsql AS $orc$
DECLARE
  _owners bigint[] := '{}';
  _owner bigint;
BEGIN
  -- Writes the sync makes, and writes another trigger makes, are not the new application's:
  -- the string stays as written.
  IF pg_catalog.current_setting('orchestrate.list_sync', true) = 'on' OR pg_catalog.pg_trigger_depth() > 1 THEN
    RETURN NULL;
  END IF;
  -- A join row that goes with its parent row (a cascade, fired after the statement that
  -- deleted the parent): the string may go on naming it, since an item naming no row has
  -- no join row.
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "public"."tags" _p WHERE _p."id" = OLD."tag_id") THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    _owners := _owners || OLD."order_id";
  END IF;
  IF TG_OP <> 'DELETE' THEN
    _owners := _owners || NEW."order_id";
  END IF;
  PERFORM pg_catalog.set_config('orchestrate.list_sync', 'on', true);
  FOREACH _owner IN ARRAY _owners LOOP
    -- A row the backfill has not reached: its string's items join first, so none is lost.
    INSERT INTO "public"."orders_tags" ("order_id", "tag_id") SELECT _owner, _i.item FROM "public"."orders" _t, LATERAL (SELECT DISTINCT _v.item FROM pg_catalog.unnest(pg_catalog.string_to_array(_t."tag_ids", ',')) AS _x, LATERAL (SELECT CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN pg_catalog.btrim(_x)::bigint END AS item) AS _v WHERE _v.item IS NOT NULL AND EXISTS (SELECT 1 FROM "public"."tags" _p WHERE _p."id" = _v.item)) AS _i WHERE _t."id" = _owner AND _t."_orc_side_orders_tag_ids" = '0' ON CONFLICT DO NOTHING;
    UPDATE "public"."orders" SET "tag_ids" = (SELECT pg_catalog.string_agg(_j."tag_id"::text, ',' ORDER BY _j."tag_id") FROM "public"."orders_tags" _j WHERE _j."order_id" = _owner), "_orc_side_orders_tag_ids" = 'n' WHERE "id" = _owner;
  END LOOP;
  PERFORM pg_catalog.set_config('orchestrate.list_sync', '', true);
  RETURN NULL;
END $orc$;
CREATE OR REPLACE FUNCTION "public"."_orc_list_fill_orders_tag_ids"(_owner bigint, _list text) RETURNS "char" LANGUAGE plpgsql AS $orc$
BEGIN
  PERFORM pg_catalog.set_config('orchestrate.list_sync', 'on', true);
  INSERT INTO "public"."orders_tags" ("order_id", "tag_id") SELECT _owner, _i.item FROM (SELECT DISTINCT _v.item FROM pg_catalog.unnest(pg_catalog.string_to_array(_list, ',')) AS _x, LATERAL (SELECT CASE WHEN pg_catalog.btrim(_x) ~ '^-?[0-9]{1,18}$' THEN pg_catalog.btrim(_x)::bigint END AS item) AS _v WHERE _v.item IS NOT NULL AND EXISTS (SELECT 1 FROM "public"."tags" _p WHERE _p."id" = _v.item)) AS _i ON CONFLICT DO NOTHING;
  PERFORM pg_catalog.set_config('orchestrate.list_sync', '', true);
  RETURN 'b';
END $orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname = '_orc_list_mark_orders_tag_ids') THEN
    CREATE TRIGGER "_orc_list_mark_orders_tag_ids" BEFORE INSERT OR UPDATE ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_list_orders_tag_ids"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname = '_orc_list_ins_orders_tag_ids') THEN
    CREATE TRIGGER "_orc_list_ins_orders_tag_ids" AFTER INSERT ON "public"."orders" FOR EACH ROW WHEN (NEW."_orc_side_orders_tag_ids" = 'o') EXECUTE FUNCTION "public"."_orc_list_orders_tag_ids"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname = '_orc_list_upd_orders_tag_ids') THEN
    CREATE TRIGGER "_orc_list_upd_orders_tag_ids" AFTER UPDATE ON "public"."orders" FOR EACH ROW WHEN (NEW."_orc_side_orders_tag_ids" = 'o' AND NEW."tag_ids" IS DISTINCT FROM OLD."tag_ids") EXECUTE FUNCTION "public"."_orc_list_orders_tag_ids"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."orders_tags"'::regclass AND tgname = '_orc_list_back_orders_tags') THEN
    CREATE TRIGGER "_orc_list_back_orders_tags" AFTER INSERT OR UPDATE OR DELETE ON "public"."orders_tags" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_list_back_orders_tags"();
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "explode-list-orders-tag-ids";
CREATE OR REPLACE VIEW "explode-list-orders-tag-ids"."orders" AS SELECT "id", "customer_email", "total_cents", "created_at", "updated_at" FROM "public"."orders";
COMMENT ON VIEW "explode-list-orders-tag-ids"."orders" IS 'orchestrate: the new application''s view of "public"."orders" while plan explode-list-orders-tag-ids runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('customer_email', 'customer_email'), ('total_cents', 'total_cents'), ('created_at', 'created_at'), ('updated_at', 'updated_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."orders"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"explode-list-orders-tag-ids"."orders"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"explode-list-orders-tag-ids"."orders"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."orders"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"explode-list-orders-tag-ids"."orders"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"explode-list-orders-tag-ids"."orders"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"explode-list-orders-tag-ids"."orders"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"explode-list-orders-tag-ids"."orders"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"explode-list-orders-tag-ids"."orders"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "explode-list-orders-tag-ids"."orders_tags" AS SELECT "order_id", "tag_id" FROM "public"."orders_tags";
COMMENT ON VIEW "explode-list-orders-tag-ids"."orders_tags" IS 'orchestrate: the new application''s view of "public"."orders_tags" while plan explode-list-orders-tag-ids runs. Rows live in that table; its primary key is (order_id, tag_id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('order_id', 'order_id'), ('tag_id', 'tag_id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."orders_tags"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"explode-list-orders-tag-ids"."orders_tags"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"explode-list-orders-tag-ids"."orders_tags"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."orders_tags"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"explode-list-orders-tag-ids"."orders_tags"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"explode-list-orders-tag-ids"."orders_tags"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"explode-list-orders-tag-ids"."orders_tags"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."orders_tags"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."orders_tags"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"explode-list-orders-tag-ids"."orders_tags"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"explode-list-orders-tag-ids"."orders_tags"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "explode-list-orders-tag-ids" FROM PUBLIC;
GRANT USAGE ON SCHEMA "explode-list-orders-tag-ids" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check explode_list.orders.tag_ids.sync: the triggers keeping orders.tag_ids and orders_tags in step are present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."orders"') AND tgname IN ('_orc_list_mark_orders_tag_ids', '_orc_list_ins_orders_tag_ids', '_orc_list_upd_orders_tag_ids') AND tgenabled <> 'D') = 3 AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"public"."orders_tags"') AND tgname = '_orc_list_back_orders_tags' AND tgenabled <> 'D')
-- check version_schema.view.explode-list-orders-tag-ids.orders: view explode-list-orders-tag-ids.orders shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"explode-list-orders-tag-ids"."orders"')), false)
-- check version_schema.view.explode-list-orders-tag-ids.orders_tags: view explode-list-orders-tag-ids.orders_tags shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 2 FROM pg_class c WHERE c.oid = to_regclass('"explode-list-orders-tag-ids"."orders_tags"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "explode-list-orders-tag-ids"."orders";
--   DROP VIEW IF EXISTS "explode-list-orders-tag-ids"."orders_tags";
--   DROP SCHEMA IF EXISTS "explode-list-orders-tag-ids";
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
