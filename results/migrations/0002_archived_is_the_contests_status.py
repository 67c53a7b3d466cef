# An archived contest is now a state of the contest itself: the results' own mark moves there, then goes.

from django.db import migrations


def archive_contests(apps, schema_editor):
    ContestResults = apps.get_model("results", "ContestResults")
    Contest = apps.get_model("contest", "Contest")
    archived = ContestResults.objects.filter(archived_at__isnull=False).values_list("contest_id", flat=True)
    Contest.objects.filter(pk__in=list(archived)).update(status="archived")


def unarchive_contests(apps, schema_editor):
    Contest = apps.get_model("contest", "Contest")
    Contest.objects.filter(status="archived").update(status="announced")


class Migration(migrations.Migration):

    dependencies = [
        ('results', '0001_initial'),
        ('contest', '0011_archived_status_and_closing_time'),
    ]

    operations = [
        migrations.RunPython(archive_contests, unarchive_contests),
        migrations.RemoveField(
            model_name='contestresults',
            name='archived_at',
        ),
        migrations.RemoveField(
            model_name='contestresults',
            name='archived_by',
        ),
    ]
