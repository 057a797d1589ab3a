# The table of the public page cache (settings.CACHES["pages"], a database cache unless
# PAGE_CACHE_URL names another): made with the schema, like the shared cache's (0002).

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("maillage", "0005_dataversion_changed")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
