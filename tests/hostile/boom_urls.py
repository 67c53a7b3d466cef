"""The site's addresses plus one whose view fails, to see what an unexpected exception leaves behind."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug nobody foresaw")


urlpatterns = [path("boom/", boom), *urlpatterns]
