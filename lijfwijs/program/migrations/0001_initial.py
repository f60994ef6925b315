"""The 5-step program's models, moved from the exercises app: their tables exist (state only)."""

import django.db.models.deletion
import django.utils.timezone
import lijfwijs.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("exercises", "0003_exercise_updated_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SetbackPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('notice_first', lijfwijs.core.fields.EncryptedTextField(blank=True, default='', verbose_name='wat ik het eerst merk')),
                        ('what_i_do', lijfwijs.core.fields.EncryptedTextField(blank=True, default='', verbose_name='wat ik dan doe')),
                        ('who_i_call', lijfwijs.core.fields.EncryptedTextField(blank=True, default='', verbose_name='wie ik bel')),
                        ('helpful_exercises', lijfwijs.core.fields.EncryptedTextField(blank=True, default='', verbose_name='oefeningen die mij het meest helpen')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='setback_plan', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'terugvalplan',
                        'verbose_name_plural': 'terugvalplannen',
                        'db_table': 'exercises_setbackplan',
                    },
                ),
                migrations.CreateModel(
                    name='ProgramProgress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start_step', models.PositiveSmallIntegerField(default=1)),
                        ('current_step', models.PositiveSmallIntegerField(default=1)),
                        ('step_started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('override', models.CharField(blank=True, choices=[('', 'geen'), ('unlock', 'volgende stap vrijgegeven'), ('hold', 'stap vastgehouden')], default='', max_length=8)),
                        ('override_at', models.DateTimeField(blank=True, null=True)),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('override_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='program', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'voortgang in het programma',
                        'verbose_name_plural': 'voortgang in het programma',
                        'db_table': 'exercises_programprogress',
                        'constraints': [models.CheckConstraint(condition=models.Q(('current_step__gte', 1), ('current_step__lte', 5)), name='program_current_step_1_5'), models.CheckConstraint(condition=models.Q(('start_step__gte', 1), ('start_step__lte', 5)), name='program_start_step_1_5')],
                    },
                ),
                migrations.CreateModel(
                    name='Reflection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('step', models.PositiveSmallIntegerField()),
                        ('prompt', models.SlugField(max_length=40)),
                        ('answer', lijfwijs.core.fields.EncryptedTextField(verbose_name='antwoord')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reflections', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'reflectie',
                        'verbose_name_plural': 'reflecties',
                        'db_table': 'exercises_reflection',
                        'ordering': ['step', 'prompt'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'step', 'prompt'), name='reflection_one_per_prompt'), models.CheckConstraint(condition=models.Q(('step__gte', 1), ('step__lte', 5)), name='reflection_step_1_5')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
