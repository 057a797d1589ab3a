from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("maillage", "0004_scheduledrun")]

    operations = [
        migrations.AddField(model_name="dataversion", name="changed", field=models.DateTimeField(blank=True, null=True)),
    ]
