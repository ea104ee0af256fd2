-- plan surrogate-key-customers: phase 3 of 5, backfill

-- backfill surrogate_key.customers: in batches along (email), each one transaction that also advances the range cursor:
--   UPDATE public.customers SET "id" = pg_catalog.nextval('"public"."_orc_seq_customers_id"'::regclass) WHERE <key in batch> AND ("public"."customers"."id" IS NULL);

-- backfill surrogate_key.orders.customer_id: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.orders SET "customer_id" = ("public"."_orc_sk_customers_id"("customer_email")), "_orc_side_orders_customer_id" = 'b' WHERE <key in batch> AND ("_orc_side_orders_customer_id" = '0');

-- backfill surrogate_key.reviews.author_id: in batches along (id), each one transaction that also advances the range cursor:
--   UPDATE public.reviews SET "author_id" = ("public"."_orc_sk_customers_id"("author_email")), "_orc_side_reviews_author_id" = 'b' WHERE <key in batch> AND ("_orc_side_reviews_author_id" = '0');

-- gate (checked before `next` leaves this phase):
-- check surrogate_key.customers.parity: no row of customers where "public"."customers"."id" IS NULL
--   one scan of public.customers (in pages along (email) when its heap is over 2048 MiB) for rows where "public"."customers"."id" IS NULL
-- check surrogate_key.orders.customer_id.parity: no row of orders where "_orc_side_orders_customer_id" = '0'
--   one scan of public.orders (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_orders_customer_id" WHEN '0' THEN true WHEN 'n' THEN ("customer_email" IS DISTINCT FROM CAST(("public"."_orc_nk_customers_id"("customer_id")) AS text)) ELSE ("customer_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("customer_email")) AS bigint)) END
-- check surrogate_key.reviews.author_id.parity: no row of reviews where "_orc_side_reviews_author_id" = '0'
--   one scan of public.reviews (in pages along (id) when its heap is over 2048 MiB) for rows where CASE "_orc_side_reviews_author_id" WHEN '0' THEN true WHEN 'n' THEN ("author_email" IS DISTINCT FROM CAST(("public"."_orc_nk_customers_id"("author_id")) AS text)) ELSE ("author_id" IS DISTINCT FROM CAST(("public"."_orc_sk_customers_id"("author_email")) AS bigint)) END

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
