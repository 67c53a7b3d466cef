"""A category's limits in plain words, for entrants."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Category


def duration_in_words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
    if minutes:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    return ngettext("%(count)s second", "%(count)s seconds", rest) % {"count": rest}


def size_in_words(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes >= 1024:
        gigabytes = round(megabytes / 1024, 1)
        shown = int(gigabytes) if gigabytes.is_integer() else gigabytes
        return _("%(size)s GB") % {"size": number_format(shown, use_l10n=True)}
    return _("%(size)s MB") % {"size": number_format(round(megabytes), use_l10n=True)}


def _grouped(number: int) -> str:
    return number_format(number, use_l10n=True, force_grouping=True)


def category_rules(category: Category) -> list[str]:
    """One sentence per limit the category sets, in the active language."""
    rules = []
    if category.allowed_formats:
        formats = ", ".join(f.upper() for f in category.allowed_formats)
        rules.append(_("Files: %(formats)s.") % {"formats": formats})
    if category.max_size_bytes:
        rules.append(_("Up to %(size)s per file.") % {"size": size_in_words(category.max_size_bytes)})
    if category.max_duration_seconds:
        rules.append(_("At most %(duration)s long.") % {"duration": duration_in_words(category.max_duration_seconds)})
    if category.min_long_side_px:
        rules.append(
            _("The longer side must have at least %(pixels)s pixels.") % {"pixels": _grouped(category.min_long_side_px)}
        )
    if category.min_words and category.max_words:
        rules.append(
            _("Between %(min)s and %(max)s words.")
            % {
                "min": _grouped(category.min_words),
                "max": _grouped(category.max_words),
            }
        )
    elif category.max_words:
        rules.append(_("At most %(max)s words.") % {"max": _grouped(category.max_words)})
    elif category.min_words:
        rules.append(_("At least %(min)s words.") % {"min": _grouped(category.min_words)})
    if category.max_entries_per_entrant:
        count = category.max_entries_per_entrant
        rules.append(
            ngettext("At most %(count)s entry per entrant.", "At most %(count)s entries per entrant.", count)
            % {"count": _grouped(count)}
        )
    return rules


__all__ = ["category_rules", "duration_in_words", "size_in_words"]
