"""People's-choice vote pages: the public ballot, its confirmation and totals; the organizer's management."""

from django.urls import path

from .views import manage, public

app_name = "voting"

urlpatterns = [
    path("contests/<slug:slug>/vote/<int:vote_id>/", public.ballot, name="ballot"),
    path("contests/<slug:slug>/vote/confirm/", public.confirm, name="confirm"),
    path("contests/<slug:slug>/vote/<int:vote_id>/totals/", public.totals, name="totals"),
    path("contests/<slug:slug>/vote/manage/", manage.manage, name="manage"),
    path("contests/<slug:slug>/vote/manage/open/", manage.open_vote, name="open"),
    path("contests/<slug:slug>/vote/manage/domains/", manage.change_domains, name="domains"),
    path("contests/<slug:slug>/vote/manage/<int:vote_id>/close/", manage.close_vote, name="close"),
    path("contests/<slug:slug>/vote/manage/<int:vote_id>/publish/", manage.publish_totals, name="publish"),
    path("contests/<slug:slug>/vote/manage/<int:vote_id>/integrity/", manage.integrity, name="integrity"),
    path("contests/<slug:slug>/vote/manage/<int:vote_id>/ballots/<int:ballot_id>/void/", manage.void_ballot,
         name="void"),
]
