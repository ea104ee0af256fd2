-- plan surrogate-key-customers: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "surrogate-key-customers_old";
CREATE OR REPLACE VIEW "surrogate-key-customers_old"."customers" AS SELECT "email", "name", "created_at", "updated_at" FROM "public"."customers";
COMMENT ON VIEW "surrogate-key-customers_old"."customers" IS 'orchestrate: the old application''s view of "public"."customers" while plan surrogate-key-customers runs. Rows live in that table; its primary key is (email)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('email', 'email'), ('name', 'name'), ('created_at', 'created_at'), ('updated_at', 'updated_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."customers"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"surrogate-key-customers_old"."customers"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"surrogate-key-customers_old"."customers"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."customers"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"surrogate-key-customers_old"."customers"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"surrogate-key-customers_old"."customers"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"surrogate-key-customers_old"."customers"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."customers"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."customers"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"surrogate-key-customers_old"."customers"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"surrogate-key-customers_old"."customers"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "surrogate-key-customers_old"."orders" AS SELECT "id", "customer_email", "total_cents", "created_at", "updated_at" FROM "public"."orders";
COMMENT ON VIEW "surrogate-key-customers_old"."orders" IS 'orchestrate: the old application''s view of "public"."orders" while plan surrogate-key-customers runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('customer_email', 'customer_email'), ('total_cents', 'total_cents'), ('created_at', 'created_at'), ('updated_at', 'updated_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."orders"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"surrogate-key-customers_old"."orders"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"surrogate-key-customers_old"."orders"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."orders"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"surrogate-key-customers_old"."orders"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"surrogate-key-customers_old"."orders"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"surrogate-key-customers_old"."orders"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"surrogate-key-customers_old"."orders"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"surrogate-key-customers_old"."orders"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "surrogate-key-customers_old"."reviews" AS SELECT "id", "author_email", "body", "created_at", "updated_at" FROM "public"."reviews";
COMMENT ON VIEW "surrogate-key-customers_old"."reviews" IS 'orchestrate: the old application''s view of "public"."reviews" while plan surrogate-key-customers runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('author_email', 'author_email'), ('body', 'body'), ('created_at', 'created_at'), ('updated_at', 'updated_at')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."reviews"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"surrogate-key-customers_old"."reviews"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"surrogate-key-customers_old"."reviews"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."reviews"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"surrogate-key-customers_old"."reviews"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"surrogate-key-customers_old"."reviews"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"surrogate-key-customers_old"."reviews"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."reviews"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."reviews"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"surrogate-key-customers_old"."reviews"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"surrogate-key-customers_old"."reviews"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "surrogate-key-customers_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "surrogate-key-customers_old" TO PUBLIC;

-- step surrogate_key.customers.add
CREATE SEQUENCE IF NOT EXISTS "public"."_orc_seq_customers_id" AS bigint;
ALTER TABLE "public"."customers"
  ADD COLUMN IF NOT EXISTS "id" bigint,
  ALTER COLUMN "id" SET DEFAULT pg_catalog.nextval('"public"."_orc_seq_customers_id"'::regclass);
CREATE OR REPLACE FUNCTION "public"."_orc_sk_customers_id"(_key text) RETURNS bigint LANGUAGE plpgsql AS $orc$
DECLARE
  _id bigint;
BEGIN
  IF _key IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT _t."id" INTO _id FROM "public"."customers" _t WHERE _t."email" = _key;
  IF FOUND AND _id IS NULL THEN
    -- A row the backfill has not reached: its surrogate is drawn now, once.
    UPDATE "public"."customers" _t SET "id" = pg_catalog.nextval('"public"."_orc_seq_customers_id"'::regclass)
      WHERE _t."email" = _key AND _t."id" IS NULL RETURNING _t."id" INTO _id;
    IF _id IS NULL THEN
      SELECT _t."id" INTO _id FROM "public"."customers" _t WHERE _t."email" = _key;
    END IF;
  END IF;
  RETURN _id;
END $orc$;
-- Volatile, so that it sees a surrogate drawn earlier in the same statement.
CREATE OR REPLACE FUNCTION "public"."_orc_nk_customers_id"(_id bigint) RETURNS text LANGUAGE plpgsql VOLATILE AS $orc$
BEGIN
  RETURN (SELECT _t."email" FROM "public"."customers" _t WHERE _t."id" = _id);
END $orc$;

-- step surrogate_key.customers.index.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."customers_id_key"') AND NOT indisvalid) THEN
    DROP INDEX "public"."customers_id_key";
  END IF;
END $orc$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "customers_id_key" ON "public"."customers" USING btree ("id");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."customers_id_key"') AND indisvalid AND indisready)

-- step surrogate_key.orders.customer_id.add_columns
ALTER TABLE "public"."orders"
  ADD COLUMN IF NOT EXISTS "customer_id" bigint,
  ADD COLUMN IF NOT EXISTS "_orc_side_orders_customer_id" "char" NOT NULL DEFAULT '0';

-- step surrogate_key.orders.customer_id.index.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."orders_customer_id_idx"') AND NOT indisvalid) THEN
    DROP INDEX "public"."orders_customer_id_idx";
  END IF;
END $orc$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_customer_id_idx" ON "public"."orders" USING btree ("customer_id");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."orders_customer_id_idx"') AND indisvalid AND indisready)

-- step surrogate_key.reviews.author_id.add_columns
ALTER TABLE "public"."reviews"
  ADD COLUMN IF NOT EXISTS "author_id" bigint,
  ADD COLUMN IF NOT EXISTS "_orc_side_reviews_author_id" "char" NOT NULL DEFAULT '0';

-- step surrogate_key.reviews.author_id.index.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."reviews_author_id_idx"') AND NOT indisvalid) THEN
    DROP INDEX "public"."reviews_author_id_idx";
  END IF;
END $orc$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "reviews_author_id_idx" ON "public"."reviews" USING btree ("author_id");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."reviews_author_id_idx"') AND indisvalid AND indisready)

-- gate (checked before `next` leaves this phase):
-- check surrogate_key.customers.column: column customers.id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."customers"') AND attname = 'id' AND NOT attisdropped)
-- check surrogate_key.customers.index: index customers_id_key exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."customers_id_key"') AND indisvalid AND indisready)
-- check surrogate_key.orders.customer_id.column: column orders.customer_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders"') AND attname = 'customer_id' AND NOT attisdropped)
-- check surrogate_key.orders.customer_id.side_column: column orders._orc_side_orders_customer_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders"') AND attname = '_orc_side_orders_customer_id' AND NOT attisdropped)
-- check surrogate_key.orders.customer_id.index: index orders_customer_id_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."orders_customer_id_idx"') AND indisvalid AND indisready)
-- check surrogate_key.reviews.author_id.column: column reviews.author_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."reviews"') AND attname = 'author_id' AND NOT attisdropped)
-- check surrogate_key.reviews.author_id.side_column: column reviews._orc_side_reviews_author_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."reviews"') AND attname = '_orc_side_reviews_author_id' AND NOT attisdropped)
-- check surrogate_key.reviews.author_id.index: index reviews_author_id_idx exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."reviews_author_id_idx"') AND indisvalid AND indisready)
-- check version_schema.view.surrogate-key-customers_old.customers: view surrogate-key-customers_old.customers shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"surrogate-key-customers_old"."customers"')), false)
-- check version_schema.view.surrogate-key-customers_old.orders: view surrogate-key-customers_old.orders shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"surrogate-key-customers_old"."orders"')), false)
-- check version_schema.view.surrogate-key-customers_old.reviews: view surrogate-key-customers_old.reviews shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"surrogate-key-customers_old"."reviews"')), false)

-- rollback from this phase:
-- step rollback.surrogate_key.reviews.author_id.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_reviews_author_id" ON "public"."reviews";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_reviews_author_id" ON "public"."reviews";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_reviews_author_id"();
--   ALTER TABLE "public"."reviews" DROP COLUMN IF EXISTS "author_id", DROP COLUMN IF EXISTS "_orc_side_reviews_author_id";
-- step rollback.surrogate_key.orders.customer_id.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_orders_customer_id" ON "public"."orders";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_orders_customer_id" ON "public"."orders";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_orders_customer_id"();
--   ALTER TABLE "public"."orders" DROP COLUMN IF EXISTS "customer_id", DROP COLUMN IF EXISTS "_orc_side_orders_customer_id";
-- step rollback.surrogate_key.customers.drop
--   DROP FUNCTION IF EXISTS "public"."_orc_sk_customers_id"(text);
--   DROP FUNCTION IF EXISTS "public"."_orc_nk_customers_id"(bigint);
--   DROP INDEX IF EXISTS "public"."customers_email_key";
--   ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "id";
--   DROP SEQUENCE IF EXISTS "public"."_orc_seq_customers_id";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "surrogate-key-customers_old"."customers";
--   DROP VIEW IF EXISTS "surrogate-key-customers_old"."orders";
--   DROP VIEW IF EXISTS "surrogate-key-customers_old"."reviews";
--   DROP SCHEMA IF EXISTS "surrogate-key-customers_old";
