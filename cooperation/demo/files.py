"""Reading the data files of cooperation/demo/data/: YAML, strictly.

Two of YAML's surprises are refused rather than loaded: a key given twice in one mapping (the
second would silently win), and the YAML 1.1 booleans beyond true and false (a country NO or a
language "no" would become False). Dates in the files are days (2022-03-14) or days relative to
the day of loading (see relative_day).
"""

import datetime
import functools
import re
from pathlib import Path

import yaml

from agreements.models import add_months

DATA_DIR = Path(__file__).resolve().parent / "data"

BOOL_TAG = "tag:yaml.org,2002:bool"
MERGE_TAG = "tag:yaml.org,2002:merge"


class DataFileError(ValueError):
    pass


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DataFileError(f"{key_node.start_mark}: {key!r} is given twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|false)$"), list("tf"))


def parse(text: str):
    """YAML text as plain data (a SafeLoader's: never objects), strictly."""
    return yaml.load(text, Loader=_StrictLoader)


@functools.cache
def read(name: str):
    """The parsed content of data/<name> (e.g. "partners.yaml", "bulk/countries.yaml"), read once
    per process. Callers must not change what it returns."""
    try:
        return parse((DATA_DIR / name).read_text(encoding="utf-8"))
    except (yaml.YAMLError, DataFileError) as error:
        raise DataFileError(f"{name}: {error}") from error


def relative_day(value, today: datetime.date) -> datetime.date | None:
    """A date of the data files: a day as written (2022-03-14), or {days: N} for N days from today
    (negative: before), with months: M to move that day M months on (agreements.models.add_months,
    which keeps the day of the month or takes the month's last)."""
    if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
        return value
    if isinstance(value, dict) and "days" in value and set(value) <= {"days", "months"}:
        return add_months(today + datetime.timedelta(days=value["days"]), value.get("months", 0))
    raise DataFileError(f"Not a date: {value!r} (write 2025-02-04, or {{days: N}} relative to today)")
