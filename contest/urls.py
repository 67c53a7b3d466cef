from django.urls import path

from . import views

app_name = "contest"

urlpatterns = [
    path("", views.home, name="home"),
    path("contests/<slug:slug>/", views.contest_detail, name="detail"),
    path("contests/<slug:slug>/register/", views.register, name="register"),
    path("contests/<slug:slug>/registration/", views.registration_detail, name="registration"),
    path("guardian/<token:token>/", views.guardian, name="guardian"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
]
