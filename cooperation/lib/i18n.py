"""Kazakh falls back to Russian.

Django's own Kazakh catalogue is partial, and so are most libraries'. By default a missing
Kazakh string falls back to LANGUAGE_CODE (English); readers of the Kazakh interface read
Russian, so settings.LANGUAGE_FALLBACKS puts Russian in between. gettext looks a message up in
the language's catalogue first and only then in its fallbacks, so every Kazakh string that
exists still wins.
"""

from django.conf import settings
from django.utils.translation import trans_real

_original_add_fallback = trans_real.DjangoTranslation._add_fallback


def _add_language_fallback(self, localedirs=None):
    language = self.language()
    fallback_language = getattr(settings, "LANGUAGE_FALLBACKS", {}).get(language)
    if fallback_language and self.domain == "django":
        # The fallback's own catalogue already falls back to LANGUAGE_CODE. Adding that again
        # here would walk down the shared chain and make English its own fallback (a loop).
        self.add_fallback(trans_real.translation(fallback_language))
        return
    _original_add_fallback(self, localedirs)


def install_language_fallbacks() -> None:
    trans_real.DjangoTranslation._add_fallback = _add_language_fallback
    # Catalogues built before this point (none in practice) would miss the fallback.
    trans_real._translations.clear()
