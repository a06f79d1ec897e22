"""World regions as groups of ISO 3166 countries (after the UN M49 sub-regions, joined where a
university office thinks of them as one: Latin America with the Caribbean, the Middle East with
the Caucasus). The dashboard and the lists filter by them with `country__in=countries_in(code)`."""

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "central_asia": (_("Central Asia"), "KZ KG TJ TM UZ"),
    "east_asia": (_("East Asia"), "CN HK MO TW JP KR KP MN"),
    "south_east_asia": (_("South-East Asia"), "BN KH ID LA MY MM PH SG TH TL VN"),
    "south_asia": (_("South Asia"), "AF BD BT IN IR MV NP PK LK"),
    "middle_east": (
        _("Middle East and the Caucasus"),
        "AM AZ BH CY GE IQ IL JO KW LB OM PS QA SA SY TR AE YE",
    ),
    "eastern_europe": (_("Eastern Europe"), "BY BG CZ HU MD PL RO RU SK UA"),
    "northern_europe": (_("Northern Europe"), "DK EE FI FO IS IE LV LT NO SE GB"),
    "southern_europe": (_("Southern Europe"), "AL AD BA HR GI GR IT MT ME MK PT SM RS SI ES VA"),
    "western_europe": (_("Western Europe"), "AT BE FR DE LI LU MC NL CH"),
    "africa": (
        _("Africa"),
        "DZ EG LY MA SD TN EH AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE "
        "LS LR MG MW ML MR MU MZ NA NE NG RW ST SN SC SL SO ZA SS TZ TG UG ZM ZW",
    ),
    "north_america": (_("North America"), "BM CA GL PM US"),
    "latin_america": (
        _("Latin America and the Caribbean"),
        "AR BO BR CL CO EC FK GF GY PY PE SR UY VE BZ CR SV GT HN MX NI PA AG BS BB CU DM DO GD HT JM KN LC VC TT PR",
    ),
    "oceania": (_("Oceania"), "AU NZ FJ PG SB VU WS TO KI FM MH NR PW TV"),
}


def region_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _countries) in REGIONS.items()]


def countries_in(region: str) -> list[str]:
    """The country codes of a region; an unknown region has none."""
    return REGIONS[region][1].split() if region in REGIONS else []
