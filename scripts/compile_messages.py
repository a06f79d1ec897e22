"""Compile locale/*/LC_MESSAGES/*.po into .mo files with polib (pure Python), and write the
Kazakh-to-Russian fallback catalogue.

Django's compilemessages needs GNU gettext's msgfmt, which a fresh machine may not have;
`make` uses this instead so that the only requirement stays Python.

Kazakh falls back to Russian: Django's own Kazakh catalogue is partial, and so are most
libraries' and ours, and readers of the Kazakh interface read Russian, not the English a
missing string would otherwise show. The fallback is a catalogue like any other, found through
settings.LOCALE_PATHS: locale/fallback/kk holds, for every message that has a Russian translation
(ours, Django's or an installed package's) and no Kazakh one anywhere, the Russian text. It
adds messages and never replaces one, so every Kazakh string that exists still wins.
"""

import gettext
import sys
import sysconfig
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
FALLBACKS = {"kk": "ru"}
FALLBACK_ROOT = ROOT / "locale" / "fallback"  # in settings.LOCALE_PATHS; written here, never edited


def main() -> int:
    compiled = 0
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        # Fuzzy entries are guesses: gettext leaves them out, and so do we.
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        catalogue.save_as_mofile(str(mo_path))
        compiled += 1
    print(f"compiled {compiled} message catalogue(s)")
    for language, fallback in FALLBACKS.items():
        written = write_fallback_catalogue(language, fallback)
        if written is not None:
            print(f"{language}: {written} message(s) fall back to {fallback}")
    return 0


def catalogues(language: str) -> list[Path]:
    """Every compiled catalogue of the language: Django's, the installed packages', ours."""
    site_packages = Path(sysconfig.get_paths()["purelib"])
    found = sorted(site_packages.glob(f"*/**/locale/{language}/LC_MESSAGES/django.mo"))
    return found + sorted((ROOT / "locale").glob(f"{language}/LC_MESSAGES/django.mo"))


def key(entry: polib.MOEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def translated(entry: polib.MOEntry) -> bool:
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def write_fallback_catalogue(language: str, fallback: str) -> int | None:
    """locale/fallback/<language>/LC_MESSAGES/django.mo; None when it is newer than its sources."""
    target = FALLBACK_ROOT / language / "LC_MESSAGES" / "django.mo"
    sources = catalogues(language) + catalogues(fallback)
    if target.exists() and all(target.stat().st_mtime >= source.stat().st_mtime for source in sources):
        return None
    have = {key(entry) for path in catalogues(language) for entry in polib.mofile(str(path)) if translated(entry)}
    output = polib.MOFile()
    # Our own catalogue's plural rule is the fallback catalogue's (some packages' Russian
    # catalogues carry a two-form rule that Russian does not have).
    plural_forms = polib.mofile(str(catalogues(fallback)[-1])).metadata["Plural-Forms"]
    output.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": fallback, "Plural-Forms": plural_forms}
    target_forms = plural_rule(plural_forms)
    added = set()
    for path in catalogues(fallback):
        source = polib.mofile(str(path))
        source_forms = plural_rule(source.metadata.get("Plural-Forms", plural_forms))
        for entry in source:
            if translated(entry) and entry.msgid and key(entry) not in have and key(entry) not in added:
                if entry.msgid_plural:
                    entry.msgstr_plural = same_forms(entry.msgstr_plural, source_forms, target_forms)
                added.add(key(entry))
                output.append(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    output.save(str(target))
    return len(added)


def plural_rule(plural_forms: str):
    """A catalogue's Plural-Forms header as (number of forms, the function of n)."""
    fields = dict(part.strip().split("=", 1) for part in plural_forms.split(";") if "=" in part)
    return int(fields.get("nplurals", 2)), gettext.c2py(fields.get("plural", "n != 1"))


def same_forms(forms: dict, source_rule, target_rule) -> dict:
    """A plural message's forms under another rule of the same language: for each of the
    target rule's forms, the source's form for the same numbers."""
    target_count, target_form = target_rule
    source_form = source_rule[1]
    numbers = {}
    for n in range(200):
        numbers.setdefault(target_form(n), n)
    return {index: forms.get(source_form(numbers.get(index, 0)), "") for index in range(target_count)}


if __name__ == "__main__":
    sys.exit(main())
