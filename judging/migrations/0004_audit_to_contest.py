# The audit chain now belongs to the contest app (contest.0009): only Django's record of it leaves here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('judging', '0003_ai_suspicion'),
        ('contest', '0009_audit_from_judging'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='AuditEvent'),
                migrations.DeleteModel(name='AuditHead'),
            ],
            database_operations=[],
        ),
    ]
