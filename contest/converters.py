"""Path converters for the parts of an address that name something: they match only the real shape, so
anything else (a NUL, a control character, a slash, a thousand characters) is a 404 before any view runs."""

from django.urls import register_converter


class ReferenceConverter:
    """An entry's reference: the contest's prefix and a number, such as CCM-2026-0042."""

    regex = r"[\w.-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SpecConverter(ReferenceConverter):
    """A rendition's name, such as poster.jpg or video.mp4."""

    regex = r"[a-z0-9_-]{1,24}\.[a-z0-9]{2,5}"


class LanguageConverter(ReferenceConverter):
    """A language code, such as fr, zh-hans or pt-BR."""

    regex = r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}"


class TokenConverter(ReferenceConverter):
    """A signed link's token (Django's signing: base64 and colons)."""

    regex = r"[A-Za-z0-9_:.=-]{1,1000}"


class FormatConverter(ReferenceConverter):
    """A file format named in an address, such as csv or json."""

    regex = r"[a-z0-9]{1,8}"


def register() -> None:
    register_converter(ReferenceConverter, "reference")
    register_converter(SpecConverter, "spec")
    register_converter(LanguageConverter, "language")
    register_converter(TokenConverter, "token")
    register_converter(FormatConverter, "format")
