from django.urls import path

from . import views

app_name = "contest"

urlpatterns = [
    path("", views.home, name="home"),
    path("contests/<slug:slug>/", views.contest_detail, name="detail"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
]
