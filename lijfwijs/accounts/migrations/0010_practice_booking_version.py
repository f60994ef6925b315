from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_access_log_client_kind_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="booking_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
    ]
