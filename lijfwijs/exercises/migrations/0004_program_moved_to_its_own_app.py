"""The 5-step program's models now belong to the program app; their tables stay (state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_exercise_updated_at"),
        ("program", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="reflection", name="user"),
                migrations.RemoveField(model_name="setbackplan", name="user"),
                migrations.DeleteModel(name="ProgramProgress"),
                migrations.DeleteModel(name="Reflection"),
                migrations.DeleteModel(name="SetbackPlan"),
            ],
            database_operations=[],
        ),
    ]
