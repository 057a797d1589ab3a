# The scheduler and its runs move from freshness to the kernel (issue 12). The table and its rows
# are kept: the model is created in maillage's state only, on freshness's table, which is then
# renamed (freshness.0002 removes the model from freshness's state).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("maillage", "0003_changeset"),
        ("freshness", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ScheduledRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("last_run", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "scheduled run",
                        "verbose_name_plural": "scheduled runs",
                        "db_table": "freshness_scheduledrun",
                    },
                ),
            ],
            database_operations=[],
        ),
        # freshness_scheduledrun -> maillage_scheduledrun, rows and all.
        migrations.AlterModelTable(name="scheduledrun", table=None),
    ]
