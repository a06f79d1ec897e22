"""Add CLDR's country names (through the `babel` package) to our Russian and Kazakh catalogues.

django-countries ships no Kazakh names (Kazakh fell back to its Russian ones) and leaves a few
untranslated or odd in Russian ("Naoero", "Bahamas (The)", "Либерии"). Our catalogue comes
before a library's, so an entry here with django-countries' English name as msgid names the
country everywhere: lists, filters, the map, exports and the country column of imports.

Kazakh takes every CLDR name. Russian keeps django-countries' name unless it is untranslated,
is an ISO long form with a parenthesis or an inverted comma ("Корея (Республика)",
"Палестина, Государство"), or is one of the wrong forms in ODD_RUSSIAN.

    python scripts/cldr_country_names.py       (needs babel: pip install -r requirements-dev.txt)

Entries are appended at the end of each catalogue (parallel branches merge catalogues by union,
so nothing already there is moved or rewritten); a country already in the catalogue is left as
it is. Run scripts/compile_messages.py afterwards.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# django-countries' Russian names in the genitive case, or spaced wrongly.
ODD_RUSSIAN = {"LR", "MM", "NC", "SM", "SH", "MF", "SX"}


def wanted(language: str, code: str, english: str, current: str, cldr: str) -> bool:
    if language == "kk":
        return True  # even where it equals the Russian name Kazakh fell back to, which may change
    if cldr == current:
        return False
    return current == english or "(" in current or "," in current or code in ODD_RUSSIAN


def entry(english: str, name: str) -> str:
    quoted = [text.replace("\\", "\\\\").replace('"', '\\"') for text in (english, name)]
    return f'\n#. CLDR (babel)\nmsgid "{quoted[0]}"\nmsgstr "{quoted[1]}"\n'


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperation.settings")
    import django

    django.setup()
    import polib
    from babel import Locale
    from django.utils import translation
    from django_countries import countries

    for language in ("ru", "kk"):
        path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        present = {item.msgid for item in polib.pofile(str(path))}
        territories = Locale(language).territories
        added = []
        for code in countries.countries:
            # The name django-countries shows (its common name where it has one: "South Korea").
            with translation.override("en"):
                english = countries.name(code)
            with translation.override(language):
                current = countries.name(code)
            cldr = territories.get(code)
            if cldr and english not in present and wanted(language, code, english, current, cldr):
                added.append(entry(english, cldr))
        with path.open("a", encoding="utf-8") as catalogue:
            catalogue.writelines(added)
        print(f"{language}: {len(added)} country names added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
