"""Destroy the scratch notes stored in plain text before notes were sealed.

Notes live for hours at most; the ones in flight when this runs are destroyed rather
than kept in a form the database (and its backups) could read.
"""

from django.db import migrations


def destroy_notes(apps, schema_editor):
    apps.get_model("matching", "ScratchNote").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_create_assignments")]

    operations = [migrations.RunPython(destroy_notes, migrations.RunPython.noop, elidable=False)]
