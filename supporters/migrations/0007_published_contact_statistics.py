"""Keep the supporters' published ways to reach them out of the planner's statistics.

`ANALYZE` copies sample values of every column (most common values, histogram bounds)
into `pg_statistic`, where no scrub reaches them. A statistics target of 0 stops that;
re-declaring the column's own type clears what an earlier `ANALYZE` collected.
"""

from django.db import migrations

COLUMNS = ["supporters_supporter.published_contact"]

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
    dependencies = [("supporters", "0006_add_training_record")]

    operations = [
        migrations.RunSQL(
            sql=[(FORWARD, [COLUMNS])], reverse_sql=[(BACKWARD, [COLUMNS])], elidable=False
        )
    ]
