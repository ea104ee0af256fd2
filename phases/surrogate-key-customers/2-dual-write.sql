-- plan surrogate-key-customers: phase 2 of 5, dual_write

-- step surrogate_key.customers.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."customers"'::regclass AND conname = '_orc_nn_customers_id') THEN
    ALTER TABLE "public"."customers" ADD CONSTRAINT "_orc_nn_customers_id" CHECK ("id" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step surrogate_key.orders.customer_id.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_orders_customer_id"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 bigint;
  _down0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('surrogate-key-customers' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."customer_email" IS DISTINCT FROM CAST((NULL) AS text)) AND NOT (NOT NEW."customer_id" IS DISTINCT FROM CAST((NULL) AS bigint))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."customer_email" IS DISTINCT FROM OLD."customer_email") THEN
      IF (NEW."customer_id" IS DISTINCT FROM OLD."customer_id") AND COALESCE('surrogate-key-customers' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."customer_id" IS DISTINCT FROM OLD."customer_id") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_orders_customer_id" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    DECLARE
      "id" bigint := NEW."id";
      "total_cents" integer := NEW."total_cents";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
      "customer_id" bigint := NEW."customer_id";
    BEGIN
      _down0 := ("public"."_orc_nk_customers_id"("customer_id"));
    END;
    NEW."customer_email" := _down0;
  ELSE
    DECLARE
      "id" bigint := NEW."id";
      "customer_email" text := NEW."customer_email";
      "total_cents" integer := NEW."total_cents";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
    BEGIN
      _up0 := ("public"."_orc_sk_customers_id"("customer_email"));
    END;
    NEW."customer_id" := _up0;
  END IF;
  NEW."_orc_side_orders_customer_id" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname = '_orc_sync_ins_orders_customer_id') THEN
    CREATE TRIGGER "_orc_sync_ins_orders_customer_id" BEFORE INSERT ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_orders_customer_id"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname = '_orc_sync_upd_orders_customer_id') THEN
    CREATE TRIGGER "_orc_sync_upd_orders_customer_id" BEFORE UPDATE ON "public"."orders" FOR EACH ROW WHEN ((OLD."_orc_side_orders_customer_id" = '0' AND NEW."_orc_side_orders_customer_id" = '0') OR (NEW."_orc_side_orders_customer_id" = OLD."_orc_side_orders_customer_id" AND (NEW."customer_id" IS DISTINCT FROM OLD."customer_id" OR NEW."customer_email" IS DISTINCT FROM OLD."customer_email"))) EXECUTE FUNCTION "public"."_orc_sync_orders_customer_id"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."orders" WHERE "_orc_side_orders_customer_id" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."orders" SET "_orc_side_orders_customer_id" = "_orc_side_orders_customer_id" WHERE ctid = _row;
    END IF;
    SELECT ctid INTO _row FROM "public"."orders" WHERE "_orc_side_orders_customer_id" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      PERFORM pg_catalog.set_config('orchestrate.new_app', 'surrogate-key-customers', true);
      UPDATE "public"."orders" SET "customer_id" = CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint) WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step surrogate_key.orders.customer_id.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."orders"'::regclass AND conname = '_orc_nn_orders_customer_id') THEN
    ALTER TABLE "public"."orders" ADD CONSTRAINT "_orc_nn_orders_customer_id" CHECK ("customer_id" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step surrogate_key.orders.customer_id.foreign_key
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."orders"'::regclass AND conname = 'orders_customer_id_fkey') THEN
    ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "public"."customers" ("id") NOT VALID;
  END IF;
END $orc$;

-- step surrogate_key.reviews.author_id.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_reviews_author_id"() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, "public" AS $orc$
DECLARE
  _side "char";
  _up0 bigint;
  _down0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('surrogate-key-customers' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."author_email" IS DISTINCT FROM CAST((NULL) AS text)) AND NOT (NOT NEW."author_id" IS DISTINCT FROM CAST((NULL) AS bigint))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."author_email" IS DISTINCT FROM OLD."author_email") THEN
      IF (NEW."author_id" IS DISTINCT FROM OLD."author_id") AND COALESCE('surrogate-key-customers' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."author_id" IS DISTINCT FROM OLD."author_id") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF OLD."_orc_side_reviews_author_id" = '0' THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    DECLARE
      "id" bigint := NEW."id";
      "body" text := NEW."body";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
      "author_id" bigint := NEW."author_id";
    BEGIN
      _down0 := ("public"."_orc_nk_customers_id"("author_id"));
    END;
    NEW."author_email" := _down0;
  ELSE
    DECLARE
      "id" bigint := NEW."id";
      "author_email" text := NEW."author_email";
      "body" text := NEW."body";
      "created_at" timestamp with time zone := NEW."created_at";
      "updated_at" timestamp with time zone := NEW."updated_at";
    BEGIN
      _up0 := ("public"."_orc_sk_customers_id"("author_email"));
    END;
    NEW."author_id" := _up0;
  END IF;
  NEW."_orc_side_reviews_author_id" := _side;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."reviews"'::regclass AND tgname = '_orc_sync_ins_reviews_author_id') THEN
    CREATE TRIGGER "_orc_sync_ins_reviews_author_id" BEFORE INSERT ON "public"."reviews" FOR EACH ROW EXECUTE FUNCTION "public"."_orc_sync_reviews_author_id"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."reviews"'::regclass AND tgname = '_orc_sync_upd_reviews_author_id') THEN
    CREATE TRIGGER "_orc_sync_upd_reviews_author_id" BEFORE UPDATE ON "public"."reviews" FOR EACH ROW WHEN ((OLD."_orc_side_reviews_author_id" = '0' AND NEW."_orc_side_reviews_author_id" = '0') OR (NEW."_orc_side_reviews_author_id" = OLD."_orc_side_reviews_author_id" AND (NEW."author_id" IS DISTINCT FROM OLD."author_id" OR NEW."author_email" IS DISTINCT FROM OLD."author_email"))) EXECUTE FUNCTION "public"."_orc_sync_reviews_author_id"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."reviews" WHERE "_orc_side_reviews_author_id" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."reviews" SET "_orc_side_reviews_author_id" = "_orc_side_reviews_author_id" WHERE ctid = _row;
    END IF;
    SELECT ctid INTO _row FROM "public"."reviews" WHERE "_orc_side_reviews_author_id" = '0' LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      PERFORM pg_catalog.set_config('orchestrate.new_app', 'surrogate-key-customers', true);
      UPDATE "public"."reviews" SET "author_id" = CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint) WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step surrogate_key.reviews.author_id.foreign_key
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."reviews"'::regclass AND conname = 'reviews_author_id_fkey') THEN
    ALTER TABLE "public"."reviews" ADD CONSTRAINT "reviews_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "public"."customers" ("id") ON DELETE SET NULL NOT VALID;
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "surrogate-key-customers";
CREATE OR REPLACE VIEW "surrogate-key-customers"."customers" AS SELECT "email", "name", "created_at", "updated_at", "id" FROM "public"."customers";
COMMENT ON VIEW "surrogate-key-customers"."customers" IS 'orchestrate: the new application''s view of "public"."customers" while plan surrogate-key-customers runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('email', 'email'), ('name', 'name'), ('created_at', 'created_at'), ('updated_at', 'updated_at'), ('id', 'id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."customers"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"surrogate-key-customers"."customers"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"surrogate-key-customers"."customers"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."customers"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"surrogate-key-customers"."customers"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"surrogate-key-customers"."customers"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"surrogate-key-customers"."customers"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"surrogate-key-customers"."customers"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"surrogate-key-customers"."customers"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "surrogate-key-customers"."orders" AS SELECT "id", "total_cents", "created_at", "updated_at", "customer_id" FROM "public"."orders";
COMMENT ON VIEW "surrogate-key-customers"."orders" IS 'orchestrate: the new application''s view of "public"."orders" while plan surrogate-key-customers runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('total_cents', 'total_cents'), ('created_at', 'created_at'), ('updated_at', 'updated_at'), ('customer_id', 'customer_id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."orders"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"surrogate-key-customers"."orders"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"surrogate-key-customers"."orders"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."orders"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"surrogate-key-customers"."orders"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"surrogate-key-customers"."orders"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"surrogate-key-customers"."orders"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"surrogate-key-customers"."orders"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"surrogate-key-customers"."orders"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
CREATE OR REPLACE VIEW "surrogate-key-customers"."reviews" AS SELECT "id", "body", "created_at", "updated_at", "author_id" FROM "public"."reviews";
COMMENT ON VIEW "surrogate-key-customers"."reviews" IS 'orchestrate: the new application''s view of "public"."reviews" while plan surrogate-key-customers runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('body', 'body'), ('created_at', 'created_at'), ('updated_at', 'updated_at'), ('author_id', 'author_id')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."reviews"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"surrogate-key-customers"."reviews"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"surrogate-key-customers"."reviews"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."reviews"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"surrogate-key-customers"."reviews"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"surrogate-key-customers"."reviews"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"surrogate-key-customers"."reviews"', table_owner);
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
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"surrogate-key-customers"."reviews"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"surrogate-key-customers"."reviews"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "surrogate-key-customers" FROM PUBLIC;
GRANT USAGE ON SCHEMA "surrogate-key-customers" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check surrogate_key.customers.not_null_check: constraint _orc_nn_customers_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."customers"') AND conname = '_orc_nn_customers_id')
-- check surrogate_key.orders.customer_id.not_null_check: constraint _orc_nn_orders_customer_id exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."orders"') AND conname = '_orc_nn_orders_customer_id')
-- check surrogate_key.orders.customer_id.trigger: triggers _orc_sync_ins_orders_customer_id and _orc_sync_upd_orders_customer_id present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."orders"') AND tgname IN ('_orc_sync_ins_orders_customer_id', '_orc_sync_upd_orders_customer_id') AND tgenabled IN ('O', 'A')) = 2
-- check surrogate_key.orders.customer_id.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."orders" t WHERE t."_orc_side_orders_customer_id" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."orders" t SET "_orc_side_orders_customer_id" = t."_orc_side_orders_customer_id" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."customer_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint) AND u."_orc_side_orders_customer_id" = 'o') FROM u), false) END
-- check surrogate_key.orders.customer_id.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."customer_email" AS _o0, t."customer_id" AS _m0 FROM "public"."orders" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."customer_email" AS _o0 FROM "public"."orders" t, a WHERE t."customer_email" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."orders" t SET "customer_email" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."customer_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint) AND u."_orc_side_orders_customer_id" = 'o') FROM u), false) END
-- check surrogate_key.orders.customer_id.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'surrogate-key-customers', true);
--   WITH a AS (SELECT t."id" AS _k0, t."customer_email" AS _o0, t."customer_id" AS _m0 FROM "public"."orders" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint) AS _n0 FROM "public"."orders" t, a WHERE CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint) IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."orders" t SET "customer_id" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."customer_email" IS DISTINCT FROM CAST(("public"."_orc_nk_customers_id"("customer_id")) AS text) AND u."_orc_side_orders_customer_id" = 'n') FROM u), false) END
-- check surrogate_key.orders.customer_id.foreign_key: constraint orders_customer_id_fkey exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."orders"') AND conname = 'orders_customer_id_fkey')
-- check surrogate_key.reviews.author_id.trigger: triggers _orc_sync_ins_reviews_author_id and _orc_sync_upd_reviews_author_id present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."reviews"') AND tgname IN ('_orc_sync_ins_reviews_author_id', '_orc_sync_upd_reviews_author_id') AND tgenabled IN ('O', 'A')) = 2
-- check surrogate_key.reviews.author_id.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."reviews" t WHERE t."_orc_side_reviews_author_id" = '0' ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."reviews" t SET "_orc_side_reviews_author_id" = t."_orc_side_reviews_author_id" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."author_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint) AND u."_orc_side_reviews_author_id" = 'o') FROM u), false) END
-- check surrogate_key.reviews.author_id.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."author_email" AS _o0, t."author_id" AS _m0 FROM "public"."reviews" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."author_email" AS _o0 FROM "public"."reviews" t, a WHERE t."author_email" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."reviews" t SET "author_email" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."author_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint) AND u."_orc_side_reviews_author_id" = 'o') FROM u), false) END
-- check surrogate_key.reviews.author_id.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'surrogate-key-customers', true);
--   WITH a AS (SELECT t."id" AS _k0, t."author_email" AS _o0, t."author_id" AS _m0 FROM "public"."reviews" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint) AS _n0 FROM "public"."reviews" t, a WHERE CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint) IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."reviews" t SET "author_id" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."author_email" IS DISTINCT FROM CAST(("public"."_orc_nk_customers_id"("author_id")) AS text) AND u."_orc_side_reviews_author_id" = 'n') FROM u), false) END
-- check surrogate_key.reviews.author_id.foreign_key: constraint reviews_author_id_fkey exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."reviews"') AND conname = 'reviews_author_id_fkey')
-- check version_schema.view.surrogate-key-customers.customers: view surrogate-key-customers.customers shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"surrogate-key-customers"."customers"')), false)
-- check version_schema.view.surrogate-key-customers.orders: view surrogate-key-customers.orders shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"surrogate-key-customers"."orders"')), false)
-- check version_schema.view.surrogate-key-customers.reviews: view surrogate-key-customers.reviews shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 5 FROM pg_class c WHERE c.oid = to_regclass('"surrogate-key-customers"."reviews"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "surrogate-key-customers"."customers";
--   DROP VIEW IF EXISTS "surrogate-key-customers"."orders";
--   DROP VIEW IF EXISTS "surrogate-key-customers"."reviews";
--   DROP SCHEMA IF EXISTS "surrogate-key-customers";
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
