"""Links to the current page in each of the site's languages."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info


def languages(request: HttpRequest) -> dict:
    path = request.get_full_path()
    links = []
    for code in settings.LANGUAGE_CODES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "bidi": info["bidi"],
                "url": translate_url(path, code),
            }
        )
    return {"language_links": links}
