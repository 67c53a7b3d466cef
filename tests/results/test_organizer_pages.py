"""The organizer's results pages: awards with citations in several languages, verification that deletes the
identity document, scheduling in the contest's own time zone, and clear refusals."""

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent
from results.models import Award, ContestResults, WinnerVerification
from tests.results.helpers import judged_contest

pytestmark = pytest.mark.django_db


def test_an_organizer_awards_verifies_and_schedules_through_the_pages(client):
    made = judged_contest(steps=["normalised_mean", "raw_mean"])
    slug = made.contest.slug
    winner = made.entries[0]
    client.force_login(made.organizer)

    response = client.post(reverse("results:give_award", args=[slug]), {
        "kind": "winner", "entry": winner.reference.lower(), "scope": "",
        "citation_en": "Clear, brave and well made.", "citation_ar": "واضح وشجاع ومتقن.",
    }, follow=True)
    assert "The award is given" in response.content.decode()
    award = Award.objects.get()
    assert award.citation_en.startswith("Clear") and award.citation_ar.startswith("واضح")

    again = client.post(reverse("results:give_award", args=[slug]),
                        {"kind": "winner", "entry": made.entries[1].reference, "scope": ""}, follow=True)
    assert "already awarded in this scope" in again.content.decode()
    assert Award.objects.count() == 1

    # Scheduling before the winner is verified is refused, naming the entry.
    at = (timezone.now() + timedelta(days=2)).astimezone(made.contest.zone).replace(second=0, microsecond=0)
    refused = client.post(reverse("results:schedule", args=[slug]), {"at": at.strftime("%Y-%m-%dT%H:%M")},
                          follow=True)
    assert winner.reference in refused.content.decode()

    verify_url = reverse("results:verify", args=[slug, winner.pk])
    document = SimpleUploadedFile("passport.jpg", b"\xff\xd8 a scan", content_type="image/jpeg")
    client.post(verify_url, {"identity_checked": "on", "note": "", "document": document})
    verification = WinnerVerification.objects.get()
    stored = verification.document.name
    assert stored and storages["private"].exists(stored) and not verification.verified
    with django_capture_on_commit():
        client.post(verify_url, {"identity_checked": "on", "age_checked": "on", "publish_name": "on", "note": "Call"})
    verification.refresh_from_db()
    assert verification.verified_by == made.organizer and verification.verified_at
    assert not verification.document and verification.document_deleted_at
    assert not storages["private"].exists(stored), "the identity document is deleted once verified"

    response = client.post(reverse("results:schedule", args=[slug]), {"at": at.strftime("%Y-%m-%dT%H:%M")},
                           follow=True)
    assert "The announcement is scheduled" in response.content.decode()
    results = ContestResults.objects.get(contest=made.contest)
    assert results.announce_at == at, "the time typed is the contest's clock (Europe/Zurich)"
    actions = set(AuditEvent.objects.filter(contest=made.contest).values_list("action", flat=True))
    assert {"award.given", "award.verified", "results.scheduled"} <= actions


def django_capture_on_commit():
    """Run on_commit callbacks of the request at its end, as they would run outside a test transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_bad_input_gets_a_message_not_a_500(client):
    made = judged_contest(steps=["normalised_mean"])
    slug = made.contest.slug
    client.force_login(made.organizer)
    response = client.post(reverse("results:give_award", args=[slug]), {"kind": "special", "entry": "nope"},
                           follow=True)
    assert response.status_code == 200
    assert "No submitted entry of this contest has the reference nope. Copy it from the ranking." in (
        response.content.decode())
    response = client.post(reverse("results:schedule", args=[slug]), {"at": "tomorrow"}, follow=True)
    assert "2027-03-01 10:00" in response.content.decode()
    response = client.post(reverse("results:decide_tie", args=[slug]), {"prefix": "x", "x-entries": "a,b"})
    assert response.status_code == 404


def test_awards_for_a_theme_and_a_category_name_them_on_the_results_page_and_in_the_export(client):
    made = judged_contest(steps=["normalised_mean"])
    slug = made.contest.slug
    theme, category = made.contest.themes.get(), made.contest.categories.get()
    client.force_login(made.organizer)
    for entry, scope in ((made.entries[0], f"theme:{theme.pk}"), (made.entries[1], f"category:{category.pk}")):
        given = client.post(reverse("results:give_award", args=[slug]),
                            {"kind": "winner", "entry": entry.reference, "scope": scope}, follow=True)
        assert "The award is given" in given.content.decode()

    page = client.get(reverse("results:manage", args=[slug])).content.decode()
    assert f"– <bdi>{theme.title}</bdi>" in page and f"– <bdi>{category.title}</bdi>" in page
    exported = b"".join(client.get(reverse("results:export_awards", args=[slug])).streaming_content).decode()
    assert theme.title in exported and category.title in exported
