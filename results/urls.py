"""Results pages: the organizer's (manage, export), the public gallery and exhibition, each entrant's result."""

from django.urls import path

from .views import manage, public

app_name = "results"

urlpatterns = [
    path("contests/<slug:slug>/winners/", public.gallery, name="gallery"),
    path("contests/<slug:slug>/exhibition/", public.exhibition, name="exhibition"),
    path("contests/<slug:slug>/exhibition/pictures/<int:rendition_id>/", public.exhibition_picture,
         name="exhibition_picture"),
    path("contests/<slug:slug>/my-result/", public.my_result, name="my_result"),
    path("contests/<slug:slug>/my-result/<int:entry_id>/certificate.pdf", public.certificate, name="certificate"),
    path("contests/<slug:slug>/results/manage/", manage.manage, name="manage"),
    path("contests/<slug:slug>/results/manage/tie-break/", manage.declare_tie_break, name="declare_tie_break"),
    path("contests/<slug:slug>/results/manage/ties/", manage.decide_tie, name="decide_tie"),
    path("contests/<slug:slug>/results/manage/awards/", manage.give_award, name="give_award"),
    path("contests/<slug:slug>/results/manage/awards/<int:award_id>/withdraw/", manage.withdraw_award,
         name="withdraw_award"),
    path("contests/<slug:slug>/results/manage/verify/<int:entry_id>/", manage.verify, name="verify"),
    path("contests/<slug:slug>/results/manage/schedule/", manage.schedule, name="schedule"),
    path("contests/<slug:slug>/results/manage/settings/", manage.change_settings, name="settings"),
    path("contests/<slug:slug>/results/manage/notifications/retry/", manage.retry_notifications,
         name="retry_notifications"),
    path("contests/<slug:slug>/results/manage/archive/", manage.archive, name="archive"),
    path("contests/<slug:slug>/results/manage/feedback/", manage.feedback, name="feedback"),
    path("contests/<slug:slug>/results/manage/statistics/", manage.statistics, name="statistics"),
    path("contests/<slug:slug>/results/export/entries.csv", manage.export_entries, name="export_entries"),
    path("contests/<slug:slug>/results/export/scores.csv", manage.export_scores, name="export_scores"),
    path("contests/<slug:slug>/results/export/awards.csv", manage.export_awards, name="export_awards"),
]
