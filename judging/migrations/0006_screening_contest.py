from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_contest(apps, schema_editor):
    """Each decision takes its entry's contest."""
    ScreeningDecision = apps.get_model("judging", "ScreeningDecision")
    Entry = apps.get_model("submissions", "Entry")
    ScreeningDecision.objects.update(
        contest_id=Subquery(Entry.objects.filter(pk=OuterRef("entry_id")).values("contest_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contest', '0013_reference_prefix_shape'),
        ('judging', '0005_progress_tallies'),
        ('submissions', '0007_storage_check'),
    ]

    operations = [
        migrations.AddField(
            model_name='screeningdecision',
            name='contest',
            field=models.ForeignKey(editable=False, null=True, on_delete=models.deletion.CASCADE, related_name='+',
                                    to='contest.contest', verbose_name='contest'),
        ),
        migrations.RunPython(copy_contest, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='screeningdecision',
            name='contest',
            field=models.ForeignKey(editable=False, on_delete=models.deletion.CASCADE, related_name='+',
                                    to='contest.contest', verbose_name='contest'),
        ),
        migrations.AddIndex(
            model_name='screeningdecision',
            index=models.Index(fields=['contest', 'released_at'], name='judging_scr_contest_59749b_idx'),
        ),
    ]
