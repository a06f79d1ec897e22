"""Academic years, written "2025/2026": the year runs from 1 September to 31 August."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ACADEMIC_YEAR_PATTERN = r"^[0-9]{4}/[0-9]{4}$"
FIRST_MONTH = 9


def validate_academic_year(value: str) -> None:
    if not re.match(ACADEMIC_YEAR_PATTERN, value or "") or int(value[5:]) != int(value[:4]) + 1:
        raise ValidationError(
            _("%(value)s is not an academic year; write it as 2025/2026."),
            code="invalid_academic_year",
            params={"value": value},
        )


def academic_year_of(day: datetime.date) -> str:
    start = day.year if day.month >= FIRST_MONTH else day.year - 1
    return f"{start}/{start + 1}"


def academic_year_bounds(academic_year: str) -> tuple[datetime.date, datetime.date]:
    validate_academic_year(academic_year)
    start = int(academic_year[:4])
    return datetime.date(start, FIRST_MONTH, 1), datetime.date(start + 1, FIRST_MONTH, 1) - datetime.timedelta(days=1)


def previous_academic_year(academic_year: str) -> str:
    start = int(academic_year[:4]) - 1
    return f"{start}/{start + 1}"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
