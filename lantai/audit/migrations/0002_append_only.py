"""The database itself refuses to edit or delete audit rows, or to move the chain head back.

The model refuses it too (``AuditEvent.save``/``delete``), but raw SQL, a database shell or a
bulk ``QuerySet.update()`` bypass the model; these triggers do not. The only way round them is
an explicit maintenance switch, used by the test suite's flush between tests:

- SQLite has no session variables, so the switch is a row in ``lantai_audit_maintenance``;
- PostgreSQL reads ``SET LOCAL lantai.audit_maintenance = 'on'`` (one transaction only).

Whoever may drop triggers can still rewrite the table; the anchors outside the database
(``lantai.audit.anchors``) are what catch that.
"""

from django.db import migrations

EVENT_MESSAGE = "审计事件只可追加，不可修改或删除"
HEAD_MESSAGE = "审计链头只能前进，不可删除或改回"

SQLITE_OFF = "NOT EXISTS (SELECT 1 FROM lantai_audit_maintenance)"
SQLITE = [
    "CREATE TABLE IF NOT EXISTS lantai_audit_maintenance (since TEXT)",
    f"""CREATE TRIGGER lantai_audit_event_no_update BEFORE UPDATE ON audit_auditevent
        WHEN {SQLITE_OFF} BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END""",
    f"""CREATE TRIGGER lantai_audit_event_no_delete BEFORE DELETE ON audit_auditevent
        WHEN {SQLITE_OFF} BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END""",
    f"""CREATE TRIGGER lantai_audit_head_no_delete BEFORE DELETE ON audit_chainhead
        WHEN {SQLITE_OFF} BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END""",
    f"""CREATE TRIGGER lantai_audit_head_forward_only BEFORE UPDATE ON audit_chainhead
        WHEN (NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq
              OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash))
             AND {SQLITE_OFF}
        BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS lantai_audit_event_no_update",
    "DROP TRIGGER IF EXISTS lantai_audit_event_no_delete",
    "DROP TRIGGER IF EXISTS lantai_audit_head_no_delete",
    "DROP TRIGGER IF EXISTS lantai_audit_head_forward_only",
    "DROP TABLE IF EXISTS lantai_audit_maintenance",
]

PG_OFF = "coalesce(current_setting('lantai.audit_maintenance', true), '') = 'on'"
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION lantai_audit_event_guard() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF {PG_OFF} THEN
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END IF;
            RAISE EXCEPTION '{EVENT_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END $$""",
    f"""CREATE OR REPLACE FUNCTION lantai_audit_head_guard() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF {PG_OFF} OR (TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (
                NEW.last_seq > OLD.last_seq
                OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash = OLD.last_hash))) THEN
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END IF;
            RAISE EXCEPTION '{HEAD_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END $$""",
    """CREATE TRIGGER lantai_audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION lantai_audit_event_guard()""",
    """CREATE TRIGGER lantai_audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION lantai_audit_event_guard()""",
    """CREATE TRIGGER lantai_audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_chainhead
        FOR EACH ROW EXECUTE FUNCTION lantai_audit_head_guard()""",
    """CREATE TRIGGER lantai_audit_head_no_truncate BEFORE TRUNCATE ON audit_chainhead
        FOR EACH STATEMENT EXECUTE FUNCTION lantai_audit_head_guard()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS lantai_audit_event_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS lantai_audit_event_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS lantai_audit_head_forward_only ON audit_chainhead",
    "DROP TRIGGER IF EXISTS lantai_audit_head_no_truncate ON audit_chainhead",
    "DROP FUNCTION IF EXISTS lantai_audit_event_guard()",
    "DROP FUNCTION IF EXISTS lantai_audit_head_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"不支持的数据库 {schema_editor.connection.vendor}：审计表的只追加触发器"
                "只为 SQLite 和 PostgreSQL 编写"
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
