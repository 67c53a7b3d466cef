"""Load the CCM demo contest and its demo people; safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from contest.demo import SLUG, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the CCM Youth Multimedia Contest demo, with one organizer, three judges and two entrants."

    def handle(self, *args, **options) -> None:
        logins = seed_demo(now=timezone.now())
        self.stdout.write(self.style.SUCCESS("Demo contest ready."))
        self.stdout.write(f"  Contest page: {settings.SITE_URL}/en/contests/{SLUG}/")
        self.stdout.write(f"  Administration: {settings.SITE_URL}/en/admin/")
        self.stdout.write("  Demo logins (role, email, password):")
        for login in logins:
            self.stdout.write(f"    {login.role:<10} {login.email:<26} {login.password}")
