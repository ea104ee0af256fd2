-- plan surrogate-key-customers: phase 4 of 5, transition

-- step surrogate_key.customers.validate._orc_nn_customers_id
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."customers"'::regclass AND conname = '_orc_nn_customers_id' AND NOT convalidated) THEN
    ALTER TABLE "public"."customers" VALIDATE CONSTRAINT "_orc_nn_customers_id";
  END IF;
END $orc$;

-- step surrogate_key.customers.set_not_null
ALTER TABLE "public"."customers" ALTER COLUMN "id" SET NOT NULL;
ALTER TABLE "public"."customers" DROP CONSTRAINT IF EXISTS "_orc_nn_customers_id";

-- step surrogate_key.customers.key_index.build (outside a transaction)
-- first, in its own transaction (and again right after a failed attempt):
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."customers_email_key"') AND NOT indisvalid) THEN
    DROP INDEX "public"."customers_email_key";
  END IF;
END $orc$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "customers_email_key" ON "public"."customers" USING btree ("email");
-- done only when this holds (else it fails, and runs again when resumed):
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."customers_email_key"') AND indisvalid AND indisready)

-- step surrogate_key.orders.customer_id.validate._orc_nn_orders_customer_id
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."orders"'::regclass AND conname = '_orc_nn_orders_customer_id' AND NOT convalidated) THEN
    ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "_orc_nn_orders_customer_id";
  END IF;
END $orc$;

-- step surrogate_key.orders.customer_id.set_not_null
ALTER TABLE "public"."orders" ALTER COLUMN "customer_id" SET NOT NULL;
ALTER TABLE "public"."orders" DROP CONSTRAINT IF EXISTS "_orc_nn_orders_customer_id";

-- step surrogate_key.orders.customer_id.validate
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."orders"'::regclass AND conname = 'orders_customer_id_fkey' AND NOT convalidated) THEN
    ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_customer_id_fkey";
  END IF;
END $orc$;

-- step surrogate_key.reviews.author_id.validate
DO $orc$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."reviews"'::regclass AND conname = 'reviews_author_id_fkey' AND NOT convalidated) THEN
    ALTER TABLE "public"."reviews" VALIDATE CONSTRAINT "reviews_author_id_fkey";
  END IF;
END $orc$;

-- gate (checked before `next` leaves this phase):
-- check surrogate_key.customers.not_null: column customers.id is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."customers"') AND attname = 'id' AND attnotnull AND NOT attisdropped)
-- check surrogate_key.customers.key_index: index customers_email_key exists and is valid
--   SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"public"."customers_email_key"') AND indisvalid AND indisready)
-- check surrogate_key.orders.customer_id.not_null: column orders.customer_id is NOT NULL
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."orders"') AND attname = 'customer_id' AND attnotnull AND NOT attisdropped)
-- check surrogate_key.orders.customer_id.parity: no row of orders where "_orc_side_orders_customer_id" = '0'
--   one scan of public.orders (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_orders_customer_id" WHEN '0' THEN true WHEN 'n' THEN ("customer_email" IS DISTINCT FROM CAST(("public"."_orc_nk_customers_id"("customer_id")) AS text)) ELSE ("customer_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint)) END
-- check surrogate_key.orders.customer_id.validated: constraint orders_customer_id_fkey exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."orders"') AND conname = 'orders_customer_id_fkey' AND convalidated)
-- check surrogate_key.reviews.author_id.parity: no row of reviews where "_orc_side_reviews_author_id" = '0'
--   one scan of public.reviews (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_reviews_author_id" WHEN '0' THEN true WHEN 'n' THEN ("author_email" IS DISTINCT FROM CAST(("public"."_orc_nk_customers_id"("author_id")) AS text)) ELSE ("author_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint)) END
-- check surrogate_key.reviews.author_id.validated: constraint reviews_author_id_fkey exists and is validated
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."reviews"') AND conname = 'reviews_author_id_fkey' AND convalidated)

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
