from django.urls import path

from . import organizer_views, tus, views

app_name = "submissions"

urlpatterns = [
    path("entries/", views.dashboard, name="dashboard"),
    path("contests/<slug:slug>/entries/new/", views.entry_create, name="create"),
    path("entries/<reference:reference>/", views.entry_detail, name="detail"),
    path("entries/<reference:reference>/edit/", views.entry_edit, name="edit"),
    path("entries/<reference:reference>/submit/", views.entry_submit, name="submit"),
    path("entries/<reference:reference>/unsubmit/", views.entry_unsubmit, name="unsubmit"),
    path("entries/<reference:reference>/withdraw/", views.entry_withdraw, name="withdraw"),
    path("entries/<reference:reference>/receipt/", views.entry_receipt, name="receipt"),
    path("entries/<reference:reference>/team/", views.co_creator_add, name="co_creator_add"),
    path("entries/<reference:reference>/team/<int:pk>/remove/", views.co_creator_remove, name="co_creator_remove"),
    path("team/<token:token>/", views.co_creator_answer, name="co_creator"),
    path("entries/<reference:reference>/files/<int:pk>/", views.asset_download, name="asset_download"),
    path(
        "entries/<reference:reference>/attachments/<slug:kind>/add/",
        views.attachment_add,
        name="attachment_add",
    ),
    path("entries/<reference:reference>/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path(
        "entries/<reference:reference>/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("entries/<reference:reference>/files/<int:pk>/renditions/<spec:spec>", views.rendition, name="rendition"),
    path("entries/<reference:reference>/processing.json", views.entry_processing, name="processing"),
    path("manage/<slug:slug>/processing/", organizer_views.processing, name="processing_queues"),
    path("uploads/", tus.collection, name="tus_collection"),
    path("uploads/<uuid:upload_id>", tus.resource, name="tus_upload"),
]
