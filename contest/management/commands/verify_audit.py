"""`manage.py verify_audit`: check the audit chain end to end and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from contest import audit


class Command(BaseCommand):
    help = "Check every audit event's hash and its link to the one before; report the first broken link."

    def handle(self, *args, **options) -> None:
        checked, broken = audit.verify()
        if broken is not None:
            raise CommandError(f"{broken} ({checked} events before it are intact.)")
        self.stdout.write(self.style.SUCCESS(f"The audit chain holds: {checked} events checked."))
