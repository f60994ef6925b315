"""The list of successful sign-ins (django-axes' access log) is no longer kept
(`AXES_DISABLE_ACCESS_LOG`): what earlier versions wrote is deleted too."""

from django.db import migrations


def forget(apps, schema_editor):
    apps.get_model("axes", "AccessLog").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_access_log_program_change"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
