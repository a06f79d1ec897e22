# Kazakh date and number formats, which Django does not ship. Written the way Kazakh official
# documents write them: "2026 жылғы 25 қараша", "25.11.2026", "1 234,5".
# Cyrillic letters are not format characters, so they need no escaping.
DATE_FORMAT = "Y жылғы j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y жылғы j E, H:i"
YEAR_MONTH_FORMAT = "Y жылғы F"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '25.11.2026'
    "%d.%m.%y",  # '25.11.26'
    "%Y-%m-%d",  # '2026-11-25'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
