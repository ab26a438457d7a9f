"""Keep the sign-in tables' identifiers (addresses, IPs, sessions) out of the statistics.

`ANALYZE` copies sample values of every column (most common values, histogram bounds)
into `pg_statistic`, where no scrub reaches them. A statistics target of 0 stops that;
re-declaring the column's own type clears what an earlier `ANALYZE` collected.
"""

from django.db import migrations

COLUMNS = [
    "accounts_passwordresetrequest.email",
    "accounts_session.session_data",
    "accounts_backupcode.code_hash",
    "axes_accessattempt.ip_address",
    "axes_accessattempt.username",
    "axes_accessattempt.user_agent",
    "axes_accessattempt.get_data",
    "axes_accessattempt.post_data",
    "axes_accessattempt.http_accept",
    "axes_accessattempt.path_info",
    "axes_accessfailurelog.ip_address",
    "axes_accessfailurelog.username",
    "axes_accessfailurelog.user_agent",
    "axes_accessfailurelog.http_accept",
    "axes_accessfailurelog.path_info",
    "axes_accesslog.ip_address",
    "axes_accesslog.username",
    "axes_accesslog.user_agent",
    "axes_accesslog.http_accept",
    "axes_accesslog.path_info",
    "axes_accesslog.session_hash",
]

FORWARD = """
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS typ
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
          AND (c.relname || '.' || a.attname) = ANY(%s)
    LOOP
        EXECUTE format(
            'ALTER TABLE %%I ALTER COLUMN %%I SET STATISTICS 0, ALTER COLUMN %%I TYPE %%s',
            found.tbl, found.col, found.col, found.typ
        );
    END LOOP;
END $$;
"""

BACKWARD = """
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT c.relname AS tbl, a.attname AS col
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
          AND (c.relname || '.' || a.attname) = ANY(%s)
    LOOP
        EXECUTE format('ALTER TABLE %%I ALTER COLUMN %%I SET STATISTICS -1', found.tbl, found.col);
    END LOOP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_add_sessions_and_second_factor"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[(FORWARD, [COLUMNS])], reverse_sql=[(BACKWARD, [COLUMNS])], elidable=False
        )
    ]
