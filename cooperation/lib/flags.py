"""Country flags as the SVG files of flag-icons (static/vendor/flag-icons/), not emoji: a system
without an emoji font shows an emoji flag as two letters or a box."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

FLAGS = Path(settings.BASE_DIR) / "static" / "vendor" / "flag-icons" / "4x3"


@cache
def _known(code: str) -> bool:
    return (FLAGS / f"{code}.svg").is_file()


def flag_img(country_code: str) -> str:
    """An <img> of the country's flag, beside its name (so empty alt text: the name says it),
    or "" for a code with no flag."""
    code = (country_code or "").lower()
    if not code.isalpha() or not _known(code):
        return ""
    return format_html(
        '<img class="flag" src="{}" alt="" width="20" height="15">', static(f"vendor/flag-icons/4x3/{code}.svg")
    )
