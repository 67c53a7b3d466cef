from django.urls import path

from .views import judge, jury, organizer, preview

app_name = "judging"

urlpatterns = [
    # The judge
    path("judging/", judge.home, name="home"),
    path("judging/invitation/<token:token>/", judge.invitation, name="invitation"),
    path("judging/contests/<slug:slug>/details/", judge.details, name="details"),
    path("judging/rounds/<int:round_id>/", judge.queue, name="queue"),
    path("judging/assignments/<int:assignment_id>/", judge.score, name="score"),
    path("judging/assignments/<int:assignment_id>/played", judge.played, name="played"),
    path("judging/assignments/<int:assignment_id>/knows", judge.knows_entrant, name="knows_entrant"),
    path("judging/assignments/<int:assignment_id>/work/<spec:name>", judge.work_file, name="media"),
    path("judging/assignments/<int:assignment_id>/captions/<language:language>.vtt", judge.captions, name="captions"),
    # The organizer
    path("judging/manage/<slug:slug>/", organizer.contest, name="contest"),
    path("judging/manage/<slug:slug>/audit.<format:fmt>", organizer.audit_export, name="audit"),
    path("judging/manage/<slug:slug>/screening/", organizer.screening, name="screening"),
    path("judging/manage/<slug:slug>/screening/release/", organizer.screening_release, name="screening_release"),
    path("judging/manage/<slug:slug>/screening/<int:entry_id>/", organizer.screening_decide, name="screening_decide"),
    path("judging/manage/<slug:slug>/screening/<int:entry_id>/ai/", organizer.screening_ai, name="screening_ai"),
    path("judging/manage/entries/<int:entry_id>/", preview.preview, name="preview"),
    path("judging/manage/entries/<int:entry_id>/work/<spec:name>", preview.preview_file, name="preview_media"),
    path(
        "judging/manage/entries/<int:entry_id>/captions/<language:language>.vtt",
        preview.preview_captions,
        name="preview_captions",
    ),
    path("judging/manage/<slug:slug>/rounds/new/", organizer.round_new, name="round_new"),
    path("judging/manage/rounds/<int:round_id>/", organizer.round_detail, name="round"),
    path("judging/manage/rounds/<int:round_id>/state/<slug:action>/", organizer.round_state, name="round_state"),
    path(
        "judging/manage/rounds/<int:round_id>/criteria/<int:criterion_id>/delete/",
        organizer.criterion_delete,
        name="criterion_delete",
    ),
    path("judging/manage/rounds/<int:round_id>/panel/", jury.panel, name="panel"),
    path("judging/manage/rounds/<int:round_id>/progress/", jury.progress, name="progress"),
    path("judging/manage/rounds/<int:round_id>/entries/<int:entry_id>/", jury.entry_detail, name="entry"),
    path("judging/manage/rounds/<int:round_id>/results/", jury.results, name="results"),
]
