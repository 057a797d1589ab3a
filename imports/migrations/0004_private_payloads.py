"""Import files move out of the public media root into private storage (never served)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import maillage.storage


def move_payloads(apps, schema_editor):
    """Files of earlier runs, stored under MEDIA_ROOT, move to the same name in private storage."""
    ImportRun = apps.get_model("imports", "ImportRun")
    private = maillage.storage.private_storage()
    for name in ImportRun.objects.exclude(payload="").values_list("payload", flat=True):
        public = Path(settings.MEDIA_ROOT) / name
        if public.is_file():
            target = Path(private.path(name))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(public, target)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_run_columns"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importrun",
            name="payload",
            field=models.FileField(blank=True, storage=maillage.storage.private_storage, upload_to="imports/"),
        ),
        migrations.RunPython(move_payloads, migrations.RunPython.noop),
    ]
