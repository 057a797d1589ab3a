# The scheduler's model now belongs to the kernel (maillage.0004 took its table and rows): removed
# from freshness's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("freshness", "0001_initial"),
        ("maillage", "0004_scheduledrun"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ScheduledRun")],
            database_operations=[],
        ),
    ]
