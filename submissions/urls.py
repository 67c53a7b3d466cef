from django.urls import path

from . import organizer_views, tus, views

app_name = "submissions"

urlpatterns = [
    path("entries/", views.dashboard, name="dashboard"),
    path("contests/<slug:slug>/entries/new/", views.entry_create, name="create"),
    path("entries/<str:reference>/", views.entry_detail, name="detail"),
    path("entries/<str:reference>/edit/", views.entry_edit, name="edit"),
    path("entries/<str:reference>/submit/", views.entry_submit, name="submit"),
    path("entries/<str:reference>/unsubmit/", views.entry_unsubmit, name="unsubmit"),
    path("entries/<str:reference>/withdraw/", views.entry_withdraw, name="withdraw"),
    path("entries/<str:reference>/receipt/", views.entry_receipt, name="receipt"),
    path("entries/<str:reference>/team/", views.co_creator_add, name="co_creator_add"),
    path("entries/<str:reference>/team/<int:pk>/remove/", views.co_creator_remove, name="co_creator_remove"),
    path("team/<str:token>/", views.co_creator_answer, name="co_creator"),
    path("entries/<str:reference>/files/<int:pk>/", views.asset_download, name="asset_download"),
    path(
        "entries/<str:reference>/attachments/<str:kind>/add/",
        views.attachment_add,
        name="attachment_add",
    ),
    path("entries/<str:reference>/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path(
        "entries/<str:reference>/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("entries/<str:reference>/files/<int:pk>/renditions/<str:spec>", views.rendition, name="rendition"),
    path("entries/<str:reference>/processing.json", views.entry_processing, name="processing"),
    path("manage/<slug:slug>/processing/", organizer_views.processing, name="processing_queues"),
    path("uploads/", tus.collection, name="tus_collection"),
    path("uploads/<uuid:upload_id>", tus.resource, name="tus_upload"),
]
