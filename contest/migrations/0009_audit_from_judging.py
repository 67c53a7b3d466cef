# The audit chain moves down to the contest app, so that contest and entry moves can write it too.
# Only Django's record of the models moves here; the tables are renamed in the next migration.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contest', '0008_category_max_pages'),
        ('judging', '0003_ai_suspicion'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditHead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sequence', models.PositiveBigIntegerField(default=0, verbose_name='last number')),
                        ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64, verbose_name='last hash')),
                    ],
                    options={
                        'verbose_name': 'audit chain head',
                        'verbose_name_plural': 'audit chain head',
                        'db_table': 'judging_audithead',
                    },
                ),
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sequence', models.PositiveBigIntegerField(unique=True, verbose_name='number')),
                        ('actor_label', models.CharField(blank=True, max_length=254, verbose_name='by (as recorded)')),
                        ('at', models.DateTimeField(verbose_name='at')),
                        ('action', models.CharField(max_length=40, verbose_name='action')),
                        ('object_type', models.CharField(max_length=40, verbose_name='kind of object')),
                        ('object_id', models.CharField(max_length=40, verbose_name='object')),
                        ('before', models.JSONField(blank=True, null=True, verbose_name='before')),
                        ('after', models.JSONField(blank=True, null=True, verbose_name='after')),
                        ('previous_hash', models.CharField(max_length=64, verbose_name='hash of the event before')),
                        ('hash', models.CharField(max_length=64, verbose_name='hash')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('contest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contest.contest', verbose_name='contest')),
                    ],
                    options={
                        'verbose_name': 'audit event',
                        'verbose_name_plural': 'audit events',
                        'ordering': ['sequence'],
                        'db_table': 'judging_auditevent',
                        'indexes': [models.Index(fields=['contest', 'sequence'], name='judging_aud_contest_c213c6_idx'), models.Index(fields=['object_type', 'object_id'], name='judging_aud_object__820168_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
