from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data/download/", views.download_my_data, name="download"),
    path("profile/data/delete/", views.delete_my_account, name="delete"),
]
