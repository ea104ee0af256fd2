-- plan add-timestamps-tags: phase 1 of 5, expand

-- step version_schema.old.create
CREATE SCHEMA IF NOT EXISTS "add-timestamps-tags_old";
CREATE OR REPLACE VIEW "add-timestamps-tags_old"."tags" AS SELECT "id", "label" FROM "public"."tags";
COMMENT ON VIEW "add-timestamps-tags_old"."tags" IS 'orchestrate: the old application''s view of "public"."tags" while plan add-timestamps-tags runs. Rows live in that table; its primary key is (id)';
DO $orc$ DECLARE c record; BEGIN
  FOR c IN SELECT v.name, col_description(a.attrelid, a.attnum) AS note,
                  CASE WHEN a.attidentity = '' AND a.attgenerated = ''
                       THEN pg_get_expr(d.adbin, d.adrelid) END AS dflt
             FROM (VALUES ('id', 'id'), ('label', 'label')) v(name, physical)
             JOIN pg_attribute a ON a.attrelid = '"public"."tags"'::regclass AND a.attname = v.physical
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LOOP
    IF c.dflt IS NOT NULL AND position('_orc_' IN c.dflt) = 0 THEN
      EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s', '"add-timestamps-tags_old"."tags"', c.name, c.dflt);
    END IF;
    IF c.note IS NOT NULL THEN
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', '"add-timestamps-tags_old"."tags"', c.name, c.note);
    END IF;
  END LOOP;
END $orc$;
DO $orc$ DECLARE g record; table_owner regrole; BEGIN
  SELECT relowner::regrole INTO table_owner FROM pg_class WHERE oid = '"public"."tags"'::regclass;
  IF table_owner::oid <> (SELECT relowner FROM pg_class WHERE oid = '"add-timestamps-tags_old"."tags"'::regclass) THEN
    BEGIN
      EXECUTE format('ALTER VIEW %s OWNER TO %s', '"add-timestamps-tags_old"."tags"', table_owner);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s', '"add-timestamps-tags_old"."tags"', table_owner);
    END;
  END IF;
  FOR g IN SELECT NULL::name AS col, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."tags"'::regclass AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         UNION ALL
         SELECT t.attname, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
           WHERE c.oid = '"public"."tags"'::regclass AND t.attnum > 0 AND NOT t.attisdropped
             AND a.grantee <> c.relowner
             AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')
             AND EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = '"add-timestamps-tags_old"."tags"'::regclass
                           AND v.attname = t.attname AND NOT v.attisdropped) LOOP
    EXECUTE format('GRANT %s%s ON %s TO %s%s', g.privilege_type,
                   CASE WHEN g.col IS NULL THEN '' ELSE format(' (%I)', g.col) END, '"add-timestamps-tags_old"."tags"',
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $orc$;
REVOKE CREATE ON SCHEMA "add-timestamps-tags_old" FROM PUBLIC;
GRANT USAGE ON SCHEMA "add-timestamps-tags_old" TO PUBLIC;

-- step add_timestamps.tags.add_columns
ALTER TABLE "public"."tags"
  ADD COLUMN IF NOT EXISTS "created_at" timestamp with time zone,
  ALTER COLUMN "created_at" SET DEFAULT now(),
  ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone,
  ALTER COLUMN "updated_at" SET DEFAULT now(),
  ADD COLUMN IF NOT EXISTS "_orc_side_tags_timestamps" "char" NOT NULL DEFAULT '0';

-- gate (checked before `next` leaves this phase):
-- check add_timestamps.tags.column.created_at: column tags.created_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'created_at' AND NOT attisdropped)
-- check add_timestamps.tags.column.updated_at: column tags.updated_at exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = 'updated_at' AND NOT attisdropped)
-- check add_timestamps.tags.side_column: column tags._orc_side_tags_timestamps exists
--   SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."tags"') AND attname = '_orc_side_tags_timestamps' AND NOT attisdropped)
-- check version_schema.view.add-timestamps-tags_old.tags: view add-timestamps-tags_old.tags shows the table as it was at start
--   SELECT coalesce((SELECT c.relkind = 'v' AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND pg_column_is_updatable(c.oid, a.attnum, false)) = 2 FROM pg_class c WHERE c.oid = to_regclass('"add-timestamps-tags_old"."tags"')), false)

-- rollback from this phase:
-- step rollback.add_timestamps.tags.drop
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_1" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "touch_tags_updated_at_2" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."touch_tags_updated_at"();
--   DROP TRIGGER IF EXISTS "_orc_sync_ins_tags_timestamps" ON "public"."tags";
--   DROP TRIGGER IF EXISTS "_orc_sync_upd_tags_timestamps" ON "public"."tags";
--   DROP FUNCTION IF EXISTS "public"."_orc_sync_tags_timestamps"();
--   ALTER TABLE "public"."tags" DROP COLUMN IF EXISTS "created_at", DROP COLUMN IF EXISTS "updated_at", DROP COLUMN IF EXISTS "_orc_side_tags_timestamps";
-- step rollback.version_schema.old.drop
--   DROP VIEW IF EXISTS "add-timestamps-tags_old"."tags";
--   DROP SCHEMA IF EXISTS "add-timestamps-tags_old";
