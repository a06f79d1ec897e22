"""Kazakh falls back to Russian (locale/fallback, written by scripts/compile_messages.py), and a
Kazakh translation, where there is one, still wins."""

from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext


def test_a_message_with_no_kazakh_translation_is_russian_in_kazakh():
    # Django's own Kazakh catalogue lacks these; its Russian one has them.
    with translation.override("ru"):
        russian = gettext("Clear all filters")
    assert russian != "Clear all filters"
    with translation.override("kk"):
        assert gettext("Clear all filters") == russian


def test_a_kazakh_translation_wins_over_the_russian_one():
    with translation.override("ru"):
        russian = pgettext("agreement state", "Expires today")
    with translation.override("kk"):
        kazakh = pgettext("agreement state", "Expires today")
    assert kazakh not in (russian, "Expires today")


def test_russian_plural_forms_stay_right_through_the_fallback():
    # Django's Kazakh catalogue lacks it; some packages' Russian ones have only two forms.
    with translation.override("ru"):
        expected = [ngettext("%(num)d day", "%(num)d days", n) % {"num": n} for n in (1, 2, 5, 21, 22, 25)]
    assert expected[:3] == ["1 день", "2 дня", "5 дней"]
    with translation.override("kk"):
        kazakh = [ngettext("%(num)d day", "%(num)d days", n) % {"num": n} for n in (1, 2, 5, 21, 22, 25)]
    assert kazakh == expected


def test_an_untranslated_message_stays_english():
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            assert gettext("a string nobody translated") == "a string nobody translated"
