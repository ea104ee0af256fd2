-- plan rename-comments-body: phase 2 of 5, dual_write

-- step rename_column.comments.body.sync
CREATE OR REPLACE FUNCTION "public"."_orc_sync_comments_body"() RETURNS trigger LANGUAGE plpgsql AS $orc$
DECLARE
  _side "char";
  _up0 text;
  _down0 text;
BEGIN
  -- Which side did the statement write? (see sync_trigger.hpp)
  IF TG_OP = 'INSERT' THEN
    IF COALESCE('rename-comments-body' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) OR ((NOT NEW."contents" IS DISTINCT FROM CAST((NULL) AS text)) AND NOT (NOT NEW."body" IS DISTINCT FROM CAST((NULL) AS text))) THEN
      _side := 'n';
    ELSE
      _side := 'o';
    END IF;
  ELSE
    IF (NEW."contents" IS DISTINCT FROM OLD."contents") THEN
      IF (NEW."body" IS DISTINCT FROM OLD."body") AND COALESCE('rename-comments-body' = ANY (pg_catalog.string_to_array(pg_catalog.replace(pg_catalog.current_setting('orchestrate.new_app', true), ' ', ''), ',')), false) THEN
        _side := 'n';
      ELSE
        _side := 'o';
      END IF;
    ELSIF (NEW."body" IS DISTINCT FROM OLD."body") THEN
      _side := 'n';
    END IF;
    IF _side IS NULL THEN
      -- Neither side written: only a row nobody reached yet gets its new side.
      IF (OLD."body" IS DISTINCT FROM OLD."contents") THEN
        _side := 'o';
      ELSE
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  -- The written side stays as given; the other side gets its translation.
  IF _side = 'n' THEN
    _down0 := NEW."body";
    NEW."contents" := _down0;
  ELSE
    _up0 := NEW."contents";
    NEW."body" := _up0;
  END IF;
  RETURN NEW;
END;
$orc$;
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."comments"'::regclass AND tgname = '_orc_sync_ins_comments_body') THEN
    CREATE TRIGGER "_orc_sync_ins_comments_body" BEFORE INSERT ON "public"."comments" FOR EACH ROW WHEN ((NEW."body" IS DISTINCT FROM NEW."contents")) EXECUTE FUNCTION "public"."_orc_sync_comments_body"();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"public"."comments"'::regclass AND tgname = '_orc_sync_upd_comments_body') THEN
    CREATE TRIGGER "_orc_sync_upd_comments_body" BEFORE UPDATE ON "public"."comments" FOR EACH ROW WHEN ((NEW."body" IS DISTINCT FROM NEW."contents")) EXECUTE FUNCTION "public"."_orc_sync_comments_body"();
  END IF;
END $orc$;
DO $orc$ DECLARE _row tid; BEGIN
  BEGIN
    SELECT ctid INTO _row FROM "public"."comments" WHERE ("body" IS DISTINCT FROM "contents") LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF _row IS NOT NULL THEN
      UPDATE "public"."comments" SET "contents" = "contents" WHERE ctid = _row;
    END IF;
    RAISE SQLSTATE 'OR000';
  EXCEPTION WHEN SQLSTATE 'OR000' THEN NULL;
  END;
END $orc$;

-- step rename_column.comments.body.not_null_check
DO $orc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"public"."comments"'::regclass AND conname = '_orc_nn_comments_body') THEN
    ALTER TABLE "public"."comments" ADD CONSTRAINT "_orc_nn_comments_body" CHECK ("body" IS NOT NULL) NOT VALID;
  END IF;
END $orc$;

-- step version_schema.create
CREATE SCHEMA IF NOT EXISTS "rename-comments-body";
CREATE OR REPLACE VIEW "rename-comments-body"."comments" AS SELECT "id", "user_id", "posted_at", "body" FROM "public"."comments";
COMMENT ON VIEW "rename-comments-body"."comments" IS 'orchestrate: the new application''s view of "public"."comments" while plan rename-comments-body runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('user_id', 'user_id'), ('posted_at', 'posted_at'), ('body', 'body')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."comments"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"rename-comments-body"."comments"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"rename-comments-body"."comments"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."comments"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"rename-comments-body"."comments"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"rename-comments-body"."comments"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"rename-comments-body"."comments"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."comments"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."comments"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"rename-comments-body"."comments"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"rename-comments-body"."comments"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "rename-comments-body" FROM PUBLIC;
GRANT USAGE ON SCHEMA "rename-comments-body" TO PUBLIC;

-- gate (checked before `next` leaves this phase):
-- check rename_column.comments.body.not_null_check: constraint _orc_nn_comments_body exists
--   SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."comments"') AND conname = '_orc_nn_comments_body')
-- check rename_column.comments.body.trigger: triggers _orc_sync_ins_comments_body and _orc_sync_upd_comments_body present and enabled
--   SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"public"."comments"') AND tgname IN ('_orc_sync_ins_comments_body', '_orc_sync_upd_comments_body') AND tgenabled IN ('O', 'A')) = 2
-- check rename_column.comments.body.probe_unreached: an unrelated write to a row not copied yet gives it its new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0 FROM "public"."comments" t WHERE (t."body" IS DISTINCT FROM t."contents") ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        u AS (UPDATE "public"."comments" t SET "contents" = t."contents" FROM a WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM a) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."body" IS DISTINCT FROM u."contents") FROM u), false) END
-- check rename_column.comments.body.probe_old_to_new: a write of the old side by the old application reaches the new side (rolled back) (in a rolled-back transaction)
--   WITH a AS (SELECT t."id" AS _k0, t."contents" AS _o0, t."body" AS _m0 FROM "public"."comments" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."contents" AS _o0 FROM "public"."comments" t, a WHERE t."contents" IS DISTINCT FROM a._o0 LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "contents" = b._o0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."body" IS DISTINCT FROM u."contents") FROM u), false) END
-- check rename_column.comments.body.probe_new_to_old: a write of the new side by the new application reaches the old side (rolled back) (in a rolled-back transaction)
--   SELECT pg_catalog.set_config('orchestrate.new_app', 'rename-comments-body', true);
--   WITH a AS (SELECT t."id" AS _k0, t."contents" AS _o0, t."body" AS _m0 FROM "public"."comments" t ORDER BY t."id" LIMIT 1 FOR UPDATE SKIP LOCKED),
--        b AS (SELECT t."contents" AS _n0 FROM "public"."comments" t, a WHERE t."contents" IS DISTINCT FROM a._m0 LIMIT 1),
--        u AS (UPDATE "public"."comments" t SET "body" = b._n0 FROM a, b WHERE t."id" = a._k0 RETURNING t.*)
--   SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM b) THEN true
--               ELSE COALESCE((SELECT bool_and(NOT u."contents" IS DISTINCT FROM u."body") FROM u), false) END
-- check version_schema.view.rename-comments-body.comments: view rename-comments-body.comments shows the table's final shape
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 4 FROM pg_class c WHERE c.oid = to_regclass('"rename-comments-body"."comments"')), false)

-- rollback from this phase:
-- step rollback.version_schema.drop
--   DROP VIEW IF EXISTS "rename-comments-body"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-body";
-- step rollback.rename_column.comments.body.drop
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_comments_body" ON "public"."comments";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_comments_body" ON "public"."comments";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_comments_body"();
--   ALTER TABLE "public"."comments" DROP COLUMN IF EXISTS "body";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "rename-comments-body_old"."comments";
--   DROP SCHEMA IF EXISTS "rename-comments-body_old";
