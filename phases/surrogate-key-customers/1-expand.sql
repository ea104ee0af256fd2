-- plan surrogate-key-customers: phase 1 of 5, expand

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
