from django.utils import translation
from django.utils.translation import gettext, trans_real


def fallback_chain(catalogue) -> list:
    chain, seen = [], set()
    while catalogue is not None:
        assert id(catalogue) not in seen, f"{catalogue!r} falls back to itself"
        seen.add(id(catalogue))
        chain.append(catalogue)
        catalogue = getattr(catalogue, "_fallback", None)
    return chain


def test_kazakh_falls_back_to_russian_then_english_without_a_loop():
    with translation.override("kk"):
        gettext("Agreements")
    chain = fallback_chain(trans_real.translation("kk"))
    # (django-countries may slip its pass-through translator in after the first catalogue.)
    assert chain.index(trans_real.translation("ru")) < chain.index(trans_real.translation("en"))
    fallback_chain(trans_real.translation("en"))  # a loop here made untranslated English strings recurse
    with translation.override("en"):
        assert gettext("a string nobody translated") == "a string nobody translated"
