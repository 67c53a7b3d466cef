"""Cleans, once, the text stored before forms cleaned it (accounts/text.py): control characters and direction
overrides gone from every text column of the site's apps, line breaks kept in multi-line text only."""

from django.db import migrations, models

from accounts.text import clean_stored

APPS = ("accounts", "contest", "submissions", "judging", "results")
# The audit log is a hash chain of what happened, as it was recorded: changing it would break the chain.
UNTOUCHED = {("contest", "auditevent"), ("contest", "audithead")}
# What may need cleaning, as a pattern the database can search for (PostgreSQL and SQLite alike); NUL
# cannot be stored in PostgreSQL text, so it is not looked for.
SUSPECT = "[" + "".join(
    chr(code) for code in [*range(0x01, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)]
) + "]"


def clean_text(apps, schema_editor):
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy or not model._meta.managed or (label, model._meta.model_name) in UNTOUCHED:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
                    continue
                multiline = isinstance(field, models.TextField)
                rows = model._default_manager.filter(**{f"{field.attname}__regex": SUSPECT})
                for pk, value in rows.values_list("pk", field.attname).iterator():
                    cleaned = clean_stored(value, multiline=multiline)
                    if cleaned != value:
                        model._default_manager.filter(pk=pk).update(**{field.attname: cleaned})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_birth_date_correction"),
        ("contest", "0013_reference_prefix_shape"),
        ("submissions", "0007_storage_check"),
        ("judging", "0004_audit_to_contest"),
        ("results", "0002_archived_is_the_contests_status"),
    ]

    operations = [migrations.RunPython(clean_text, migrations.RunPython.noop)]
