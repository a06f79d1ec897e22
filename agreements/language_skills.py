"""Recommended language skills of a cooperation condition, kept as a list of
{"language": "en", "cefr": "B2", "subject_area": "0413"} (CEFR level and ISCED-F code optional),
and written on one line as "en B2; kk C1 0413" where a person enters or reads them."""

import re

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agreements.isced import is_isced_code

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
# "English" as well as "en": the names Django knows, in English, lower case.
_CODE_OF_NAME = {
    info["name"].lower(): code for code, info in LANG_INFO.items() if "name" in info and LANGUAGE_CODE.match(code)
}


def format_language_skills(skills: list[dict]) -> str:
    return "; ".join(
        " ".join(part for part in (skill["language"], skill.get("cefr", ""), skill.get("subject_area", "")) if part)
        for skill in skills
    )


def parse_language_skill(text: str) -> dict:
    """One skill, "en B2 0413" or "English B2": raises ValueError saying what is wrong."""
    words = text.split()
    cefr = subject_area = ""
    while len(words) > 1 and (words[-1].upper() in CEFR_LEVELS or is_isced_code(words[-1])):
        word = words.pop()
        if word.upper() in CEFR_LEVELS and not cefr:
            cefr = word.upper()
        elif is_isced_code(word) and not subject_area:
            subject_area = word
        else:
            raise ValueError(text)
    language = " ".join(words).lower()
    language = _CODE_OF_NAME.get(language, language)
    if not LANGUAGE_CODE.match(language):
        raise ValueError(text)
    skill = {"language": language}
    if cefr:
        skill["cefr"] = cefr
    if subject_area:
        skill["subject_area"] = subject_area
    return skill


def parse_language_skills(text: str) -> list[dict]:
    """ "en B2; kk C1 0413" as a list; a part that is not a skill is refused by name."""
    skills = []
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        try:
            skills.append(parse_language_skill(part))
        except ValueError:
            raise ValidationError(
                _(
                    "“%(part)s” is not a language skill: write a language code, then a CEFR level "
                    "A1–C2 and an ISCED-F code if any, as “en B2; kk C1 0413”."
                ),
                params={"part": part.strip()},
                code="invalid_language_skill",
            ) from None
    return skills
