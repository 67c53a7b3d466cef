from django.urls import path

from . import views, views_setup

app_name = "contest"

urlpatterns = [
    path("", views.home, name="home"),
    path("contests/<slug:slug>/", views.contest_detail, name="detail"),
    path("contests/<slug:slug>/register/", views.register, name="register"),
    path("contests/<slug:slug>/registration/", views.registration_detail, name="registration"),
    path("guardian/<token:token>/", views.guardian, name="guardian"),
    path("setup/new/", views_setup.new, name="setup_new"),
    path("setup/<slug:slug>/", views_setup.overview, name="setup"),
    path("setup/<slug:slug>/move/<str:move>/", views_setup.move, name="setup_move"),
    path("setup/<slug:slug>/dates/", views_setup.dates, name="setup_dates"),
    path("setup/<slug:slug>/eligibility/", views_setup.eligibility, name="setup_eligibility"),
    path("setup/<slug:slug>/themes/", views_setup.themes, name="setup_themes"),
    path("setup/<slug:slug>/categories/", views_setup.categories, name="setup_categories"),
    path("setup/<slug:slug>/rules/", views_setup.rules_text, name="setup_rules"),
    path("setup/<slug:slug>/texts/", views_setup.texts, name="setup_texts"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
]
