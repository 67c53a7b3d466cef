# Contests get an "archived" state and remember when they stopped taking entries (to tell closing early apart).

from django.db import migrations, models


def closed_at_for_closed_contests(apps, schema_editor):
    """Contests already past "open" are taken as closed at their deadline: nobody closed them early before."""
    Contest = apps.get_model("contest", "Contest")
    for contest in Contest.objects.exclude(status__in=["draft", "open"]).only("pk", "closes_at"):
        Contest.objects.filter(pk=contest.pk).update(closed_at=contest.closes_at)


class Migration(migrations.Migration):

    dependencies = [
        ('contest', '0010_audit_tables'),
    ]

    operations = [
        migrations.AddField(
            model_name='contest',
            name='closed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the contest last stopped taking entries; before the deadline, it was closed early.', null=True, verbose_name='closed at'),
        ),
        migrations.AlterField(
            model_name='contest',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('open', 'Open for entries'), ('closed', 'Closed'), ('judging', 'Judging'), ('announced', 'Winners announced'), ('archived', 'Archived')], default='draft', editable=False, help_text='Changed only by the moves: open, close, judge, announce, archive.', max_length=16, verbose_name='status'),
        ),
        migrations.RunPython(closed_at_for_closed_contests, migrations.RunPython.noop),
    ]
