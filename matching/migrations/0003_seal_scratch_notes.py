import uuid

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_destroy_plaintext_notes")]

    operations = [
        migrations.RemoveConstraint(model_name="scratchnote", name="scratchnote_text_length"),
        migrations.RemoveField(model_name="scratchnote", name="text"),
        migrations.AddField(
            model_name="scratchnote",
            name="key_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="key id"
            ),
        ),
        migrations.AddField(
            model_name="scratchnote",
            name="sealed",
            field=models.BinaryField(default=b"", verbose_name="sealed text"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="scratchnote",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("sealed"), 8028
                ),
                name="scratchnote_sealed_length",
            ),
        ),
    ]
