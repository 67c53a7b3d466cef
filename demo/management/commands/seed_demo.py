"""Load the CCM demo: the open contest, a past edition in judging, and the demo people; safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from contest.models import Contest
from demo.editions import FINISHED_JUDGE, PARTWAY_JUDGE, seed_past_editions
from demo.seed import SLUG, seed_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the CCM Youth Multimedia Contest demo: the open contest for entrants, last year's "
        "edition in a blind jury round, one organizer, three judges and five entrants."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--open-only", action="store_true", help="Only the open contest, no past edition.")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        logins = seed_demo(now=now)
        site = f"{settings.SITE_URL}/en"
        self.stdout.write(self.style.SUCCESS("Demo contest ready."))
        self.stdout.write(f"  Open contest (entrants sign up, register, enter, upload): {site}/contests/{SLUG}/")
        if options["open_only"]:
            self._logins(logins)
            return
        past = seed_past_editions(now=now, open_contest=Contest.objects.get(slug=SLUG))
        contest, round_ = past.contest, past.round
        self.stdout.write(
            f"  {'Made' if past.made else 'Kept'} last year's edition, in judging: {site}/contests/{contest.slug}/"
        )
        if past.announced is not None:
            self.stdout.write(f"  The edition before it, announced: winners' gallery {site}/contests/"
                              f"{past.announced.slug}/winners/ (with its people's-choice vote, open)")
        if past.skipped:
            self.stdout.write(self.style.WARNING(
                "  ffmpeg is not on PATH, so these entries were left out: " + ", ".join(past.skipped)
            ))
        if past.made:
            self.stdout.write("  The worker makes the demo works' renditions once it starts (a minute or so).")
        self.stdout.write("")
        self.stdout.write("  Where each role starts:")
        self.stdout.write(f"    Entrant:   {site}/contests/{SLUG}/ to enter; {site}/entries/ for your entries")
        self.stdout.write(f"    Judge:     {site}/judging/  ({PARTWAY_JUDGE} is partway, {FINISHED_JUDGE} "
                          "has finished, the other has not started)")
        if round_ is not None:
            self.stdout.write(f"    Organizer: {site}/judging/manage/{contest.slug}/ (screening, rounds); "
                              f"progress {site}/judging/manage/rounds/{round_.pk}/progress/; "
                              f"results {site}/contests/{contest.slug}/results/manage/")
        self.stdout.write(f"    Administration: {site}/admin/")
        self._logins([*logins, *past.entrants])

    def _logins(self, logins) -> None:
        self.stdout.write("  Demo logins (role, email, password):")
        for login in logins:
            self.stdout.write(f"    {login.role:<10} {login.email:<26} {login.password}")
