"""Demo data: the five seed news items in full, and enough around them for every page and chart.

The seeds (/work/shared/seeds, see DOMAIN.md) come from several Kazakh universities: Astana IT
University, METU, Astana International University and ALT University. In the demo they all become
the one home university (settings.HOME_INSTITUTION_NAME) and its faculties, so that one portal
shows every case; their own people and partners are kept as the news items name them.

Around the seeds: about forty partners in eighteen countries, sixty agreements from 2012 on, thirty
visits, nine programs and about 150 people in them. What must be "soon" (agreements expiring, the
next delegation, an overdue follow-up action, deadlines) is placed relative to today, so the
dashboard and the reminders always have something to show; the rest has fixed dates. Generated
data comes from a fixed random seed, so every run produces the same records.

Loading is idempotent: each row is found by a natural key (a name, a title, a title and an academic
year, a parent and a name) and saved only when one of its values differs. A second run on the same
day therefore writes nothing: no new rows, no new history records, no changed `updated_at`.
"""

import datetime
import importlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone, translation

from agreements.models import Agreement, AgreementParty, AreaOfCooperation, Quota, Signatory, add_months
from cooperation import roles
from cooperation.lib.academic_years import academic_year_bounds
from cooperation.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import Contact, Institution, InstitutionName, Profile, Tag, Unit

DEFAULT_PASSWORD = "demo"
RANDOM_SEED = 20250204  # the day the METU memorandum was signed; any fixed value would do
EMAIL_DOMAIN = "university.example"  # reserved for examples: demo mail can never reach anyone

User = get_user_model()
Kind = Institution.Kind
NameKind = InstitutionName.Kind
AgreementKind = Agreement.Kind
VisitKind = Visit.Kind
Role = VisitParticipant.Role


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _rng(*parts) -> random.Random:
    """A generator of its own for each generated thing (seeded by its name: string seeds are stable
    across processes), so that adding a partner or a program never reshuffles the others."""
    return random.Random(":".join(str(part) for part in (RANDOM_SEED, *parts)))


# ---------------------------------------------------------------------------------------------
# Writing without duplicating
# ---------------------------------------------------------------------------------------------


def _current_value(obj: models.Model, name: str):
    model_field = obj._meta.get_field(name)
    if model_field.is_relation and model_field.concrete:
        return getattr(obj, model_field.attname)
    value = getattr(obj, name)
    return getattr(value, "code", value)  # django-countries returns a Country


def _wanted_value(value):
    return value.pk if isinstance(value, models.Model) else value


def _upsert(model: type[models.Model], lookup: dict, **values) -> models.Model:
    """The row with this natural key, created or brought up to date; saved only when a value differs,
    so that a second run adds no history record and leaves `updated_at` alone."""
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj
    changed = False
    for name, value in values.items():
        if _current_value(obj, name) != _wanted_value(value):
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.save()
    return obj


def _set_many(obj: models.Model, name: str, items) -> None:
    """Set a many-to-many field only when it differs (set() would still record history)."""
    manager = getattr(obj, name)
    items = list(items)
    if set(manager.values_list("pk", flat=True)) != {item.pk for item in items}:
        manager.set(items)


# ---------------------------------------------------------------------------------------------
# Our university: units and users
# ---------------------------------------------------------------------------------------------

# The home university's names in Russian and Kazakh, when it carries the default English name.
HOME_NAME_TRANSLATIONS = {
    "International Engineering and Technology University": (
        "Международный инженерно-технологический университет",
        "Халықаралық инженерлік-технологиялық университеті",
    ),
}

# key: (English, Russian, Kazakh, short name, kind, parent key)
UNITS = {
    "dic": (
        "Department for International Cooperation",
        "Департамент международного сотрудничества",
        "Халықаралық ынтымақтастық департаменті",
        "DIC",
        Unit.Kind.OFFICE,
        "university",
    ),
    "college": ("METU College", "Колледж METU", "METU колледжі", "", Unit.Kind.COLLEGE, "university"),
    "fit": (
        "Faculty of Information Technology",
        "Факультет информационных технологий",
        "Ақпараттық технологиялар факультеті",
        "FIT",
        Unit.Kind.FACULTY,
        "university",
    ),
    "eng": (
        "Faculty of Engineering",
        "Инженерный факультет",
        "Инженерлік факультет",
        "",
        Unit.Kind.FACULTY,
        "university",
    ),
    "econ": (
        "Faculty of Economics and Management",
        "Факультет экономики и менеджмента",
        "Экономика және менеджмент факультеті",
        "",
        Unit.Kind.FACULTY,
        "university",
    ),
    # Where ALT University's transport and logistics case (seed 004) lands.
    "transport": (
        "Faculty of Transport and Logistics",
        "Факультет транспорта и логистики",
        "Көлік және логистика факультеті",
        "",
        Unit.Kind.FACULTY,
        "university",
    ),
    # Where Astana IT University's G-Tech programs (seed 000) land.
    "digital": (
        "School of Digital Public Administration",
        "Школа цифрового государственного управления",
        "Цифрлық мемлекеттік басқару мектебі",
        "",
        Unit.Kind.SCHOOL,
        "university",
    ),
    "library": ("Scientific Library", "Научная библиотека", "Ғылыми кітапхана", "", Unit.Kind.DEPARTMENT, "university"),
}
FACULTIES = ("fit", "eng", "econ", "transport", "digital")


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: str | None
    unit: str | None
    position: str
    language: str
    is_staff: bool = False
    is_superuser: bool = False


USERS = (
    UserSpec("admin", "Daniyar", "Abenov", None, None, "System administrator", "en", True, True),
    # is_staff: the office also works in the admin (search, bulk corrections) within its role's rights.
    UserSpec(
        "staff", "Dana", "Seitkali", roles.OFFICE, "dic", "Chief specialist for international projects", "ru", True
    ),
    UserSpec(
        "coordinator",
        "Yerlan",
        "Nurpeisov",
        roles.COORDINATOR,
        "fit",
        "International coordinator of the Faculty of Information Technology",
        "kk",
    ),
    # is_staff so that the rector's office can read the admin (their role gives view rights only).
    UserSpec("rector", "Gulmira", "Tulegenova", roles.RECTOR, "university", "Assistant to the Rector", "ru", True),
    # Seed 001: the director of the Department for International Cooperation.
    UserSpec(
        "almenova",
        "Aknar",
        "Almenova",
        roles.OFFICE,
        "dic",
        "Director of the Department of International Cooperation",
        "ru",
    ),
)
LOGIN_USERS = ("admin", "staff", "coordinator", "rector", "almenova")

# The home university's rector and its college's director, as seed 002 names them: they sign and
# attend, but have no account.
RECTOR_NAME = "Sarsenbekova G.A."
COLLEGE_DIRECTOR_NAME = "Shalabayeva M.H."


# ---------------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerSpec:
    key: str
    name: str
    country: str
    city: str
    kind: str = Kind.UNIVERSITY
    short_name: str = ""
    website: str = ""
    parent: str = ""
    status: str = Institution.Status.ACTIVE
    # (name, language, kind) or (name, language, kind, used until)
    names: tuple = ()
    tags: tuple[str, ...] = ()
    schac_id: str = ""
    erasmus_code: str = ""
    notes: str = ""


# City centres, roughly: enough to put a partner on the map.
CITY_COORDINATES = {
    "Ankara": ("39.933300", "32.859700"),
    "Sakarya": ("40.740000", "30.330000"),
    "Istanbul": ("41.008200", "28.978400"),
    "Astana": ("51.169400", "71.449100"),
    "Almaty": ("43.238900", "76.889700"),
    "Oskemen": ("49.948200", "82.627900"),
    "Beijing": ("39.904200", "116.407400"),
    "Urumqi": ("43.825600", "87.616800"),
    "Munich": ("48.137100", "11.575400"),
    "Aachen": ("50.775300", "6.083900"),
    "Karlsruhe": ("49.006900", "8.403700"),
    "Warsaw": ("52.229700", "21.012200"),
    "Krakow": ("50.064700", "19.945000"),
    "Prague": ("50.075500", "14.437800"),
    "Daejeon": ("36.350400", "127.384500"),
    "Seoul": ("37.566500", "126.978000"),
    "Tokyo": ("35.676200", "139.650300"),
    "Moscow": ("55.755800", "37.617300"),
    "Tomsk": ("56.484700", "84.948200"),
    "Tashkent": ("41.299500", "69.240100"),
    "Bishkek": ("42.874600", "74.569800"),
    "Milan": ("45.464200", "9.190000"),
    "Valencia": ("39.469900", "-0.376300"),
    "Manchester": ("53.480800", "-2.242600"),
    "Johor Bahru": ("1.492700", "103.741400"),
    "Kaunas": ("54.898500", "23.903600"),
    "Budapest": ("47.497900", "19.040200"),
    "Tampere": ("61.497800", "23.761000"),
}

# Parents come before their children. Erasmus codes and SCHAC ids are for the demonstration: check
# them against the Erasmus Without Paper registry before relying on them.
PARTNERS = (
    # Seed 000: the Turkish embassy, the universities of the March 2022 trip, and the IT industry.
    PartnerSpec(
        "embassy_tr",
        "Embassy of Turkey in the Republic of Kazakhstan",
        "TR",
        "Astana",
        Kind.EMBASSY,
        names=(
            ("Посольство Турецкой Республики в Республике Казахстан", "ru", NameKind.TRANSLATION),
            ("Türkiye Cumhuriyeti Astana Büyükelçiliği", "tr", NameKind.TRANSLATION),
        ),
    ),
    PartnerSpec(
        "gazi",
        "Gazi University",
        "TR",
        "Ankara",
        website="https://gazi.edu.tr",
        names=(("Gazi Üniversitesi", "tr", NameKind.TRANSLATION), ("Университет Гази", "ru", NameKind.TRANSLATION)),
        tags=("Turkic world",),
        schac_id="gazi.edu.tr",
    ),
    # Its English acronym is METU, like ours: the short name shown is the Turkish ODTÜ, so that an
    # agreement between the two never reads "METU – METU"; search still finds it by "METU".
    PartnerSpec(
        "metu_tr",
        "Middle East Technical University",
        "TR",
        "Ankara",
        short_name="ODTÜ",
        website="https://www.metu.edu.tr",
        names=(
            ("METU", "en", NameKind.ACRONYM),
            ("Orta Doğu Teknik Üniversitesi", "tr", NameKind.TRANSLATION),
            ("Ближневосточный технический университет", "ru", NameKind.TRANSLATION),
        ),
        tags=("Turkic world",),
        schac_id="metu.edu.tr",
    ),
    PartnerSpec(
        "hacettepe",
        "Hacettepe University",
        "TR",
        "Ankara",
        website="https://www.hacettepe.edu.tr",
        names=(
            ("Hacettepe Üniversitesi", "tr", NameKind.TRANSLATION),
            ("Университет Хаджеттепе", "ru", NameKind.TRANSLATION),
            # As seed 000 spells it: it must find this institution, never create a second one.
            ("Hacetteppe University", "en", NameKind.MISSPELLING),
        ),
        tags=("Turkic world",),
        schac_id="hacettepe.edu.tr",
    ),
    PartnerSpec(
        "ankara",
        "Ankara University",
        "TR",
        "Ankara",
        website="https://www.ankara.edu.tr",
        names=(
            ("Ankara Üniversitesi", "tr", NameKind.TRANSLATION),
            ("Анкарский университет", "ru", NameKind.TRANSLATION),
        ),
        tags=("Turkic world",),
        schac_id="ankara.edu.tr",
    ),
    PartnerSpec(
        "sakarya",
        "Sakarya University",
        "TR",
        "Sakarya",
        website="https://www.sakarya.edu.tr",
        names=(
            ("Sakarya Üniversitesi", "tr", NameKind.TRANSLATION),
            ("Университет Сакарья", "ru", NameKind.TRANSLATION),
        ),
        tags=("Turkic world",),
        schac_id="sakarya.edu.tr",
    ),
    # The Istanbul university of the delegation to Ankara and Istanbul (_other_visits).
    PartnerSpec(
        "itu",
        "Istanbul Technical University",
        "TR",
        "Istanbul",
        short_name="İTÜ",
        website="https://www.itu.edu.tr",
        names=(
            ("ITU", "en", NameKind.ACRONYM),
            ("İstanbul Teknik Üniversitesi", "tr", NameKind.TRANSLATION),
            ("Стамбульский технический университет", "ru", NameKind.TRANSLATION),
        ),
        tags=("Turkic world",),
        status=Institution.Status.PROSPECTIVE,
    ),
    # Seed 000 says the delegation reached an agreement with "leading Turkish IT companies" without
    # naming them: these two companies are illustrative, invented for the demo.
    PartnerSpec(
        "company_anatolia",
        "Anatolia Software Technologies",
        "TR",
        "Ankara",
        Kind.COMPANY,
        names=(("Anadolu Yazılım Teknolojileri A.Ş.", "tr", NameKind.TRANSLATION),),
        tags=("IT industry",),
        notes="Illustrative: the news item does not name the Turkish IT companies.",
    ),
    PartnerSpec(
        "company_bosphorus",
        "Bosphorus Cloud Systems",
        "TR",
        "Istanbul",
        Kind.COMPANY,
        names=(("Boğaziçi Bulut Sistemleri A.Ş.", "tr", NameKind.TRANSLATION),),
        tags=("IT industry",),
        notes="Illustrative: the news item does not name the Turkish IT companies.",
    ),
    PartnerSpec(
        "nu",
        "Nazarbayev University",
        "KZ",
        "Astana",
        website="https://nu.edu.kz",
        names=(
            ("Назарбаев Университет", "ru", NameKind.TRANSLATION),
            ("Назарбаев Университеті", "kk", NameKind.TRANSLATION),
        ),
        schac_id="nu.edu.kz",
    ),
    PartnerSpec(
        "eksu",
        "East Kazakhstan State University",
        "KZ",
        "Oskemen",
        names=(("Восточно-Казахстанский государственный университет", "ru", NameKind.TRANSLATION),),
    ),
    # Seed 002: the Almaty colleges of the six-party memorandum.
    PartnerSpec(
        "atk",
        "Almaty College of Technology",
        "KZ",
        "Almaty",
        Kind.COLLEGE,
        short_name="ATK",
        tags=("Vocational education",),
    ),
    PartnerSpec(
        "astk",
        "Almaty Construction and Technical College",
        "KZ",
        "Almaty",
        Kind.COLLEGE,
        short_name="ASTK",
        names=(
            ("Алматинский строительно-технический колледж", "ru", NameKind.TRANSLATION),
            ("Almaty Construction andTechnical College", "en", NameKind.MISSPELLING),  # as the news item has it
        ),
        tags=("Vocational education",),
    ),
    PartnerSpec(
        "apc",
        "Almaty Polytechnic College",
        "KZ",
        "Almaty",
        Kind.COLLEGE,
        names=(("Алматинский политехнический колледж", "ru", NameKind.TRANSLATION),),
        tags=("Vocational education",),
    ),
    PartnerSpec(
        "kitig",
        "College of Tourism and Hospitality Industry",
        "KZ",
        "Almaty",
        Kind.COLLEGE,
        short_name="KITIG",
        names=(("Колледж индустрии туризма и гостеприимства", "ru", NameKind.TRANSLATION),),
        tags=("Vocational education",),
    ),
    PartnerSpec(
        "bolashak",
        "Center for International Programs",
        "KZ",
        "Astana",
        Kind.GOVERNMENT,
        short_name="Bolashak",
        website="https://bolashak.gov.kz",
        names=(("Центр международных программ", "ru", NameKind.TRANSLATION),),
    ),
    # Seed 003: the Chinese Ministry of Education's Study Abroad Center.
    PartnerSpec(
        "moe_cn",
        "Ministry of Education of the People's Republic of China",
        "CN",
        "Beijing",
        Kind.GOVERNMENT,
        website="http://www.moe.gov.cn",
        names=(
            ("中华人民共和国教育部", "zh", NameKind.TRANSLATION),
            ("Министерство образования Китайской Народной Республики", "ru", NameKind.TRANSLATION),
        ),
    ),
    PartnerSpec(
        "study_abroad_cn",
        "Study Abroad Center of the Ministry of Education of China",
        "CN",
        "Beijing",
        Kind.GOVERNMENT,
        short_name="Study Abroad Center",
        parent="moe_cn",
        tags=("Double degree",),
    ),
    # Seed 004: the Chinese embassy, its consulate general, Urumqi Vocational University and the SCO.
    PartnerSpec(
        "embassy_cn",
        "Embassy of the People's Republic of China in the Republic of Kazakhstan",
        "CN",
        "Astana",
        Kind.EMBASSY,
        names=(
            ("Посольство Китайской Народной Республики в Республике Казахстан", "ru", NameKind.TRANSLATION),
            ("中华人民共和国驻哈萨克斯坦共和国大使馆", "zh", NameKind.TRANSLATION),
        ),
    ),
    PartnerSpec(
        "consulate_cn",
        "Consulate General of the People's Republic of China in Almaty",
        "CN",
        "Almaty",
        Kind.CONSULATE,
        parent="embassy_cn",
        names=(
            ("Генеральное консульство Китайской Народной Республики в Алматы", "ru", NameKind.TRANSLATION),
            ("中华人民共和国驻阿拉木图总领事馆", "zh", NameKind.TRANSLATION),
        ),
    ),
    PartnerSpec(
        "urumqi",
        "Urumqi Vocational University",
        "CN",
        "Urumqi",
        names=(
            ("Урумчийский профессиональный университет", "ru", NameKind.TRANSLATION),
            ("乌鲁木齐职业大学", "zh", NameKind.TRANSLATION),
        ),
        tags=("Silk Road",),
    ),
    PartnerSpec(
        "sco",
        "Shanghai Cooperation Organisation",
        "CN",
        "Beijing",
        Kind.INTERNATIONAL_ORGANISATION,
        short_name="SCO",
        website="https://eng.sectsco.org",
        names=(
            ("Шанхайская организация сотрудничества", "ru", NameKind.TRANSLATION),
            ("ШОС", "ru", NameKind.ACRONYM),
            ("上海合作组织", "zh", NameKind.TRANSLATION),
        ),
        tags=("Silk Road",),
    ),
    # The surrounding partners: real, well-known universities.
    PartnerSpec(
        "tsinghua",
        "Tsinghua University",
        "CN",
        "Beijing",
        website="https://www.tsinghua.edu.cn",
        names=(("清华大学", "zh", NameKind.TRANSLATION), ("Университет Цинхуа", "ru", NameKind.TRANSLATION)),
    ),
    PartnerSpec(
        "xju",
        "Xinjiang University",
        "CN",
        "Urumqi",
        website="https://www.xju.edu.cn",
        names=(("新疆大学", "zh", NameKind.TRANSLATION), ("Синьцзянский университет", "ru", NameKind.TRANSLATION)),
        tags=("Silk Road",),
    ),
    PartnerSpec(
        "tum",
        "Technical University of Munich",
        "DE",
        "Munich",
        short_name="TUM",
        website="https://www.tum.de",
        names=(
            ("Technische Universität München", "de", NameKind.TRANSLATION),
            ("Мюнхенский технический университет", "ru", NameKind.TRANSLATION),
        ),
        tags=("Erasmus+",),
        schac_id="tum.de",
        erasmus_code="D MUNCHEN02",
    ),
    PartnerSpec(
        "rwth",
        "RWTH Aachen University",
        "DE",
        "Aachen",
        short_name="RWTH",
        website="https://www.rwth-aachen.de",
        names=(("Rheinisch-Westfälische Technische Hochschule Aachen", "de", NameKind.TRANSLATION),),
        tags=("Erasmus+",),
        schac_id="rwth-aachen.de",
        erasmus_code="D AACHEN01",
    ),
    PartnerSpec(
        "kit",
        "Karlsruhe Institute of Technology",
        "DE",
        "Karlsruhe",
        short_name="KIT",
        website="https://www.kit.edu",
        names=(
            ("Karlsruher Institut für Technologie", "de", NameKind.TRANSLATION),
            ("Universität Karlsruhe (TH)", "de", NameKind.FORMER, "2009-09-30"),
            ("Forschungszentrum Karlsruhe", "de", NameKind.MERGED, "2009-09-30"),
        ),
        tags=("Erasmus+",),
        schac_id="kit.edu",
    ),
    PartnerSpec(
        "wut",
        "Warsaw University of Technology",
        "PL",
        "Warsaw",
        website="https://www.pw.edu.pl",
        names=(("Politechnika Warszawska", "pl", NameKind.TRANSLATION),),
        tags=("Erasmus+",),
        schac_id="pw.edu.pl",
        erasmus_code="PL WARSZAW02",
    ),
    PartnerSpec(
        "agh",
        "AGH University of Krakow",
        "PL",
        "Krakow",
        short_name="AGH",
        website="https://www.agh.edu.pl",
        names=(
            ("Akademia Górniczo-Hutnicza im. Stanisława Staszica w Krakowie", "pl", NameKind.TRANSLATION),
            ("AGH University of Science and Technology", "en", NameKind.FORMER, "2023-01-01"),
        ),
        tags=("Erasmus+",),
        schac_id="agh.edu.pl",
    ),
    PartnerSpec(
        "ctu",
        "Czech Technical University in Prague",
        "CZ",
        "Prague",
        short_name="CTU",
        website="https://www.cvut.cz",
        names=(
            ("České vysoké učení technické v Praze", "cs", NameKind.TRANSLATION),
            ("ČVUT", "cs", NameKind.ACRONYM),
        ),
        tags=("Erasmus+",),
        schac_id="cvut.cz",
        erasmus_code="CZ PRAHA10",
    ),
    PartnerSpec(
        "kaist",
        "Korea Advanced Institute of Science and Technology",
        "KR",
        "Daejeon",
        short_name="KAIST",
        website="https://www.kaist.ac.kr",
        names=(("한국과학기술원", "ko", NameKind.TRANSLATION),),
        schac_id="kaist.ac.kr",
    ),
    PartnerSpec(
        "snu",
        "Seoul National University",
        "KR",
        "Seoul",
        short_name="SNU",
        website="https://www.snu.ac.kr",
        status=Institution.Status.PROSPECTIVE,
        names=(("서울대학교", "ko", NameKind.TRANSLATION),),
    ),
    PartnerSpec(
        "science_tokyo",
        "Institute of Science Tokyo",
        "JP",
        "Tokyo",
        website="https://www.isct.ac.jp",
        names=(
            ("東京科学大学", "ja", NameKind.TRANSLATION),
            ("Tokyo Institute of Technology", "en", NameKind.FORMER, "2024-09-30"),
            ("東京工業大学", "ja", NameKind.FORMER, "2024-09-30"),
            ("Tokyo Medical and Dental University", "en", NameKind.MERGED, "2024-09-30"),
        ),
    ),
    PartnerSpec(
        "bauman",
        "Bauman Moscow State Technical University",
        "RU",
        "Moscow",
        website="https://bmstu.ru",
        status=Institution.Status.INACTIVE,
        names=(
            ("Московский государственный технический университет имени Н. Э. Баумана", "ru", NameKind.TRANSLATION),
            ("МГТУ им. Н. Э. Баумана", "ru", NameKind.ACRONYM),
        ),
    ),
    PartnerSpec(
        "tpu",
        "Tomsk Polytechnic University",
        "RU",
        "Tomsk",
        website="https://tpu.ru",
        names=(
            ("Национальный исследовательский Томский политехнический университет", "ru", NameKind.TRANSLATION),
            ("ТПУ", "ru", NameKind.ACRONYM),
        ),
    ),
    PartnerSpec(
        "tuit",
        "Tashkent University of Information Technologies named after Muhammad al-Khwarizmi",
        "UZ",
        "Tashkent",
        short_name="TUIT",
        website="https://tuit.uz",
        names=(
            (
                "Ташкентский университет информационных технологий имени Мухаммада аль-Хорезми",
                "ru",
                NameKind.TRANSLATION,
            ),
        ),
        tags=("Turkic world",),
    ),
    PartnerSpec(
        "kstu",
        "Kyrgyz State Technical University named after I. Razzakov",
        "KG",
        "Bishkek",
        short_name="KSTU",
        website="https://kstu.kg",
        names=(("Кыргызский государственный технический университет им. И. Раззакова", "ru", NameKind.TRANSLATION),),
        tags=("Turkic world",),
    ),
    PartnerSpec(
        "polimi",
        "Politecnico di Milano",
        "IT",
        "Milan",
        short_name="PoliMi",
        website="https://www.polimi.it",
        tags=("Erasmus+",),
        schac_id="polimi.it",
        erasmus_code="I MILANO02",
    ),
    PartnerSpec(
        "upv",
        "Universitat Politècnica de València",
        "ES",
        "Valencia",
        short_name="UPV",
        website="https://www.upv.es",
        names=(("Universidad Politécnica de Valencia", "es", NameKind.TRANSLATION),),
        tags=("Erasmus+",),
        schac_id="upv.es",
        erasmus_code="E VALENCI02",
    ),
    PartnerSpec(
        "manchester",
        "The University of Manchester",
        "GB",
        "Manchester",
        website="https://www.manchester.ac.uk",
        status=Institution.Status.PROSPECTIVE,
    ),
    PartnerSpec(
        "utm",
        "Universiti Teknologi Malaysia",
        "MY",
        "Johor Bahru",
        short_name="UTM",
        website="https://www.utm.my",
    ),
    PartnerSpec(
        "ktu",
        "Kaunas University of Technology",
        "LT",
        "Kaunas",
        short_name="KTU",
        website="https://ktu.edu",
        status=Institution.Status.INACTIVE,
        names=(("Kauno technologijos universitetas", "lt", NameKind.TRANSLATION),),
        tags=("Erasmus+",),
        schac_id="ktu.edu",
    ),
    PartnerSpec(
        "bme",
        "Budapest University of Technology and Economics",
        "HU",
        "Budapest",
        short_name="BME",
        website="https://www.bme.hu",
        names=(("Budapesti Műszaki és Gazdaságtudományi Egyetem", "hu", NameKind.TRANSLATION),),
        tags=("Erasmus+",),
        schac_id="bme.hu",
    ),
    PartnerSpec(
        "tampere",
        "Tampere University",
        "FI",
        "Tampere",
        website="https://www.tuni.fi",
        status=Institution.Status.PROSPECTIVE,
        names=(
            ("Tampereen yliopisto", "fi", NameKind.TRANSLATION),
            ("University of Tampere", "en", NameKind.MERGED, "2018-12-31"),
            ("Tampere University of Technology", "en", NameKind.MERGED, "2018-12-31"),
        ),
        tags=("Erasmus+",),
        schac_id="tuni.fi",
    ),
)
EU_COUNTRIES = {"DE", "PL", "CZ", "IT", "ES", "LT", "HU", "FI"}


@dataclass(frozen=True)
class ContactSpec:
    partner: str
    full_name: str
    position: str
    honorific: str = ""
    languages: str = ""
    notes: str = ""


# The people the seeds name.
SEED_CONTACTS = (
    ContactSpec(
        "embassy_tr",
        "Abdulmuttalib Cetin",
        "Advisor on Culture and Education",
        "Mr.",
        "tr, en",
        "The news item spells his name both CETIN and Chetin.",
    ),
    ContactSpec("nu", "Sonel Bosnaly", "Professor", "Professor"),
    ContactSpec("eksu", "Gulbanu Duman", "Professor", "Professor"),
    ContactSpec("eksu", "Sadullah Duman", "Professor", "Professor"),
    ContactSpec("atk", "Karagulov E.S.", "Director"),
    ContactSpec("astk", "Akhmetov B.S.", "Director"),
    ContactSpec("apc", "Omarbekov M.A.", "Director"),
    ContactSpec("kitig", "Zhabykbaev N.J.", "Director"),
    ContactSpec("study_abroad_cn", "Xia Jianhui", "Deputy Director of the Study Abroad Center", languages="zh"),
    ContactSpec("study_abroad_cn", "Ma Yun", "Director of the Inbound Programs Department", languages="zh"),
    ContactSpec("study_abroad_cn", "Wang Shan", "Project Manager of the Study Abroad Center", languages="zh"),
    ContactSpec(
        "embassy_cn",
        "Han Chunlin",
        "Ambassador of the People's Republic of China in Kazakhstan",
        "H.E.",
        "zh, ru",
        "Written Хань Чуньлин in the Russian news item.",
    ),
)
# Partners whose generated contact would say nothing: the seeds name their people, or nobody is needed.
NO_GENERATED_CONTACT = {"embassy_tr", "eksu", "study_abroad_cn", "moe_cn", "embassy_cn", "consulate_cn", "sco"}
CONTACT_POSITIONS = (
    "Head of the International Relations Office",
    "Vice-Rector for International Affairs",
    "Erasmus+ institutional coordinator",
    "Director of the International Office",
    "Dean for International Cooperation",
)


# Invented people (contacts at partners, mobility participants): given names male, female; surnames
# as "male|female" where the forms differ.
PEOPLE_NAMES = {
    "KZ": (
        ("Arman", "Daniyar", "Yerlan", "Nurlan", "Timur", "Alikhan", "Bauyrzhan", "Yerassyl", "Askar", "Dias"),
        ("Aigerim", "Aruzhan", "Dana", "Dariga", "Kamila", "Madina", "Saule", "Zhanar", "Aliya", "Assel", "Togzhan"),
        (
            "Abenov",
            "Akhmetov",
            "Bekov",
            "Zhaksybekov",
            "Yermekov",
            "Iskakov",
            "Kairatov",
            "Mukhamedzhanov",
            "Nurlanov",
            "Omarov",
            "Sadykov",
            "Serikbayev",
            "Zhumabayev",
            "Utegenov",
            "Kassymov",
            "Baimukhanov",
            "Yessenov",
            "Temirkhanov",
            "Sultanov",
            "Ismailov",
        ),
    ),
    "TR": (
        ("Ahmet", "Mehmet", "Emre", "Burak", "Mert", "Can", "Murat"),
        ("Elif", "Zeynep", "Ayşe", "Selin", "Deniz", "Ece", "Merve"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan", "Doğan", "Koç"),
    ),
    "CN": (
        ("Wei", "Lei", "Hao", "Jie", "Tao", "Yang", "Bo"),
        ("Na", "Jing", "Min", "Xin", "Yue", "Fang", "Li"),
        ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"),
    ),
    "DE": (
        ("Lukas", "Felix", "Jonas", "Paul", "Leon", "Max"),
        ("Anna", "Laura", "Lea", "Marie", "Sophie", "Lena"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"),
    ),
    "IT": (
        ("Luca", "Marco", "Matteo", "Andrea", "Davide", "Lorenzo"),
        ("Giulia", "Sofia", "Chiara", "Francesca", "Martina", "Sara"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
    ),
    "PL": (
        ("Jakub", "Kacper", "Szymon", "Filip", "Piotr", "Michał"),
        ("Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Alicja"),
        ("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król"),
    ),
    "CZ": (
        ("Jan", "Tomáš", "Jakub", "Lukáš", "Martin"),
        ("Tereza", "Eliška", "Anna", "Kateřina", "Lucie"),
        ("Novák|Nováková", "Svoboda|Svobodová", "Dvořák|Dvořáková", "Černý|Černá", "Procházka|Procházková"),
    ),
    "KR": (
        ("Min-jun", "Ji-ho", "Do-yun", "Seo-jun", "Ha-joon"),
        ("Seo-yeon", "Ha-eun", "Ji-woo", "Su-a", "Chae-won"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang"),
    ),
    "JP": (
        ("Hiroshi", "Takeshi", "Kenji", "Haruto"),
        ("Yuko", "Aiko", "Emi", "Sakura"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe"),
    ),
    "RU": (
        ("Alexei", "Dmitry", "Sergei", "Andrei"),
        ("Elena", "Olga", "Natalia", "Irina"),
        ("Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Volkov"),
    ),
    "UZ": (
        ("Aziz", "Jasur", "Sardor", "Bekzod", "Otabek", "Sherzod"),
        ("Dilnoza", "Malika", "Nodira", "Gulnora", "Shahnoza", "Madina"),
        ("Karimov", "Rakhimov", "Yusupov", "Tursunov", "Aliyev", "Nazarov", "Sobirov", "Ergashev"),
    ),
    "KG": (
        ("Azamat", "Bakyt", "Nurbek", "Emil", "Aibek", "Ruslan"),
        ("Aidana", "Cholpon", "Aizada", "Begimai", "Nazira", "Aigul"),
        ("Asanov", "Osmonov", "Sadyrov", "Zhumabekov", "Toktogulov", "Abdyldaev", "Mamatov", "Usenov"),
    ),
    "ES": (
        ("Pablo", "Javier", "Daniel", "Alejandro", "Hugo", "Diego"),
        ("Lucía", "Marta", "Paula", "Carmen", "Elena", "Laura"),
        ("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz"),
    ),
    "HU": (
        ("Bence", "Máté", "Levente", "Dániel"),
        ("Anna", "Eszter", "Réka", "Zsófia"),
        ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga"),
    ),
    "LT": (
        ("Mantas", "Lukas", "Tomas", "Darius"),
        ("Rūta", "Eglė", "Greta", "Ieva"),
        ("Kazlauskas|Kazlauskienė", "Jankauskas|Jankauskienė", "Petrauskas|Petrauskienė"),
    ),
    "FI": (
        ("Mikko", "Juha", "Antti", "Ville"),
        ("Laura", "Anna", "Johanna", "Sanna"),
        ("Virtanen", "Korhonen", "Mäkinen", "Nieminen"),
    ),
    "GB": (
        ("James", "Oliver", "Thomas", "Harry"),
        ("Emily", "Olivia", "Charlotte", "Amelia"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans"),
    ),
    "MY": (
        ("Ahmad Faizal", "Muhammad Hafiz", "Mohd Azlan"),
        ("Nurul Aini", "Siti Aminah", "Farah Nadia"),
        ("bin Hassan|binti Hassan", "bin Yusof|binti Yusof", "bin Ismail|binti Ismail"),
    ),
}
SURNAME_FIRST = {"CN", "KR"}
# Russian-style surnames take -a for women (Serikbayev, Serikbayeva).
SLAVIC_FEMININE = {"KZ", "RU", "UZ", "KG"}


def _person_name(rng: random.Random, country: str) -> str:
    male, female, surnames = PEOPLE_NAMES.get(country, PEOPLE_NAMES["GB"])
    is_woman = rng.random() < 0.5
    given = rng.choice(female if is_woman else male)
    surname = rng.choice(surnames)
    if "|" in surname:
        surname = surname.split("|")[1 if is_woman else 0]
    elif is_woman and country in SLAVIC_FEMININE and surname.endswith(("ov", "ev", "in")):
        surname += "a"
    return f"{surname} {given}" if country in SURNAME_FIRST else f"{given} {surname}"


# ---------------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatorySpec:
    party: str  # "@unit" or a partner key
    full_name: str
    position: str
    contact: bool = False  # the partner's contact of that name signs


@dataclass(frozen=True)
class AgreementSpec:
    title: str
    kind: str
    unit: str
    # Signing parties in order: "@unit" for ours, a partner key for theirs.
    parties: tuple[str, ...]
    status: str = Agreement.Status.SIGNED
    signed_on: datetime.date | None = None
    valid_from: datetime.date | None = None
    expires_on: datetime.date | None = None
    auto_renews: bool = False
    renewal_term_months: int | None = None
    renewal_notice_days: int | None = None
    areas: tuple[str, ...] = ()
    purpose: str = ""
    notes: str = ""
    renews: str = ""  # the title of the agreement it continues
    terminated_on: datetime.date | None = None
    termination_reason: str = ""
    signatories: tuple[SignatorySpec, ...] = ()
    person: str = "staff"


MOBILITY_AREAS = (
    "joint_research",
    "conferences",
    "summer_schools",
    "guest_lectures",
    "student_mobility",
    "staff_mobility",
    "internships",
)
TURKISH_TRIP_NOTE = (
    "Agreed during the business trip of the university's top management to Turkey on 14–16 March 2022; "
    "the news item does not give the day for each university."
)


def _turkish_memorandum(partner: str, name: str, day: str) -> AgreementSpec:
    signed = _date(day)
    return AgreementSpec(
        title=f"Memorandum of understanding on mutual collaboration with {name}",
        kind=AgreementKind.MOU,
        unit="university",
        parties=("@university", partner),
        signed_on=signed,
        expires_on=add_months(signed, 60),
        areas=MOBILITY_AREAS,
        purpose=(
            "Mutual collaboration: joint scientific research, scientific conferences, participation in summer "
            "schools, lectures by invited foreign professors, an incoming and outgoing academic program for "
            "students and teaching staff, internships for our graduates."
        ),
        notes=TURKISH_TRIP_NOTE,
        person="almenova",
    )


METU_MEMORANDUM = (
    "Memorandum of Cooperation between METU, METU College, ATK, ASTK, Almaty Polytechnic College and KITIG"
)
SILK_ROAD_AGREEMENT = (
    'Research collaboration with Urumqi Vocational University: the "Silk Road (Jing Shi school)" workshop'
)
LUBAN_AGREEMENT = 'The "Luban Workshop" project under the SCO Tianjin summit'
TWO_PLUS_TWO_AGREEMENT = "2+2 double degree program with the Study Abroad Center of the Chinese Ministry of Education"
TURKISH_INTERNSHIP_AGREEMENT = "Agreement on the practical training of students in Turkish IT companies"
TUM_IIA_2015 = "Erasmus+ inter-institutional agreement with Technical University of Munich, 2015–2021"
TUM_IIA_2021 = "Erasmus+ inter-institutional agreement with Technical University of Munich, 2021–2028"
KAIST_EXCHANGE = "Student and staff exchange agreement with KAIST"
GAZI_DOUBLE_DEGREE = "3+1 double degree agreement in Computer Engineering with Gazi University"
TSINGHUA_MEMORANDUM = "Memorandum of understanding with Tsinghua University"

SEED_AGREEMENTS = (
    # Seed 000: the business trip to Turkey, 14–16 March 2022.
    _turkish_memorandum("gazi", "Gazi University", "2022-03-14"),
    _turkish_memorandum("metu_tr", "Middle East Technical University", "2022-03-14"),
    _turkish_memorandum("hacettepe", "Hacettepe University", "2022-03-15"),
    _turkish_memorandum("ankara", "Ankara University", "2022-03-15"),
    _turkish_memorandum("sakarya", "Sakarya University", "2022-03-16"),
    AgreementSpec(
        title=TURKISH_INTERNSHIP_AGREEMENT,
        kind=AgreementKind.INTERNSHIP,
        unit="fit",
        parties=("@university", "company_anatolia", "company_bosphorus"),
        signed_on=_date("2022-03-16"),
        expires_on=_date("2025-03-16"),
        areas=("internships",),
        purpose="Practical training of our students in leading Turkish IT companies.",
        notes=TURKISH_TRIP_NOTE + " The two companies are illustrative: the news item does not name them.",
        person="coordinator",
    ),
    # Seed 002: the six-party memorandum of 4 February 2025. The news item gives no term: open-ended.
    AgreementSpec(
        title=METU_MEMORANDUM,
        kind=AgreementKind.MOC,
        unit="university",
        parties=("@university", "@college", "atk", "astk", "apc", "kitig"),
        signed_on=_date("2025-02-04"),
        areas=(
            "joint_programs",
            "internships",
            "joint_research",
            "innovation_projects",
            "career_promotion",
            "experience_exchange",
        ),
        purpose=(
            "To develop long-term partnerships, integrate the educational, scientific and innovative resources of "
            "the colleges and create joint educational programs for the training of highly qualified specialists."
        ),
        notes=(
            "Signed during 2025, the Year of Vocational Professions. Key areas: joint development of educational "
            "programs and courses; internships for students; joint scientific research and innovative solutions in "
            "the educational process; popularization of working professions among young people. The colleges' "
            "intellectual and logistical resources are to be used actively."
        ),
        signatories=(
            SignatorySpec("@university", RECTOR_NAME, "Rector"),
            SignatorySpec("@college", COLLEGE_DIRECTOR_NAME, "Director"),
            SignatorySpec("atk", "Karagulov E.S.", "Director", contact=True),
            SignatorySpec("astk", "Akhmetov B.S.", "Director", contact=True),
            SignatorySpec("apc", "Omarbekov M.A.", "Director", contact=True),
            SignatorySpec("kitig", "Zhabykbaev N.J.", "Director", contact=True),
        ),
        person="almenova",
    ),
    # Seed 003: the 2+2 model discussed with the Study Abroad Center, not signed yet.
    AgreementSpec(
        title=TWO_PLUS_TWO_AGREEMENT,
        kind=AgreementKind.TWO_PLUS_TWO,
        unit="fit",
        parties=("@university", "study_abroad_cn"),
        status=Agreement.Status.NEGOTIATION,
        areas=("double_degree", "diploma_recognition", "student_mobility"),
        purpose="Two years of study in Kazakhstan and two in China, with two diplomas.",
        notes="Follows the meeting with the delegation of the Study Abroad Center on 25 September 2025.",
        person="coordinator",
    ),
    # Seed 004: the workshop opened in 2023 after two years of joint work. The news item gives neither
    # the date of signature (2021 follows from "two years") nor an end: open-ended.
    AgreementSpec(
        title=SILK_ROAD_AGREEMENT,
        kind=AgreementKind.RESEARCH,
        unit="transport",
        parties=("@university", "urumqi"),
        signed_on=_date("2021-09-01"),
        areas=("joint_research", "shared_laboratories", "student_mobility", "staff_mobility"),
        purpose="Academic exchange and research projects in engineering, transport and information technology.",
        notes=(
            "The research workshop «Шелковый путь (школа Цзин Ши)» opened in 2023 as the result of two years of "
            "joint work. The day of signature is illustrative: the news item gives only the two years."
        ),
    ),
    # The news item says the university "was awarded" the project in 2025 and names no document or
    # date: the implementing agreement is recorded as under negotiation.
    AgreementSpec(
        title=LUBAN_AGREEMENT,
        kind=AgreementKind.FRAMEWORK,
        unit="transport",
        parties=("@university", "sco"),
        status=Agreement.Status.NEGOTIATION,
        areas=("shared_laboratories", "joint_programs", "internships"),
        purpose=(
            "«Мастерская Лу Бань»: a platform for training specialists for the high-technology sectors of the "
            "economy, awarded to the university in 2025 under the Tianjin summit of the SCO."
        ),
    ),
)


def _special_agreements(today: datetime.date) -> tuple[AgreementSpec, ...]:
    """The cases every page must show: expiring soon, renewing, open-ended, a renewal chain,
    terminated, pending. Those that must be "soon" are placed relative to today."""

    def days(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    auto_renewal_term_end = days(50)
    return (
        AgreementSpec(
            title="Student exchange agreement with Kyrgyz State Technical University",
            kind=AgreementKind.EXCHANGE,
            unit="eng",
            parties=("@university", "kstu"),
            signed_on=add_months(days(5), -60),
            expires_on=days(5),
            areas=("student_mobility", "staff_mobility"),
            purpose="Semester exchange of bachelor students in engineering.",
        ),
        AgreementSpec(
            title="Memorandum of understanding with Tashkent University of Information Technologies",
            kind=AgreementKind.MOU,
            unit="fit",
            parties=("@university", "tuit"),
            signed_on=add_months(days(24), -36),
            expires_on=days(24),
            areas=("joint_programs", "guest_lectures", "conferences"),
            person="coordinator",
        ),
        AgreementSpec(
            title="Erasmus+ inter-institutional agreement with Czech Technical University in Prague",
            kind=AgreementKind.ERASMUS_IIA,
            unit="eng",
            parties=("@university", "ctu"),
            signed_on=add_months(days(68), -48),
            expires_on=days(68),
            areas=("student_mobility", "staff_mobility"),
        ),
        AgreementSpec(
            title="Framework agreement on academic cooperation with RWTH Aachen University",
            kind=AgreementKind.FRAMEWORK,
            unit="eng",
            parties=("@university", "rwth"),
            signed_on=add_months(days(150), -60),
            expires_on=days(150),
            areas=("joint_research", "student_mobility", "summer_schools"),
        ),
        AgreementSpec(
            title="Memorandum of understanding with Universiti Teknologi Malaysia",
            kind=AgreementKind.MOU,
            unit="fit",
            parties=("@university", "utm"),
            signed_on=add_months(days(-20), -36),
            expires_on=days(-20),
            areas=("joint_research", "student_mobility"),
            person="coordinator",
        ),
        # Renews by itself every year unless notice is given 30 days before the term ends.
        AgreementSpec(
            title="Agreement on academic cooperation with Xinjiang University",
            kind=AgreementKind.FRAMEWORK,
            unit="transport",
            parties=("@university", "xju"),
            signed_on=add_months(auto_renewal_term_end, -48),
            expires_on=add_months(auto_renewal_term_end, -36),
            auto_renews=True,
            renewal_term_months=12,
            renewal_notice_days=30,
            areas=("student_mobility", "joint_research", "summer_schools"),
        ),
        AgreementSpec(
            title="Memorandum of understanding with Institute of Science Tokyo",
            kind=AgreementKind.MOU,
            unit="eng",
            parties=("@university", "science_tokyo"),
            signed_on=days(-35),
            expires_on=add_months(days(-35), 60),
            areas=("joint_research", "guest_lectures"),
        ),
        AgreementSpec(
            title="Student exchange agreement with AGH University of Krakow",
            kind=AgreementKind.EXCHANGE,
            unit="eng",
            parties=("@university", "agh"),
            signed_on=days(-110),
            expires_on=add_months(days(-110), 60),
            areas=("student_mobility", "staff_mobility"),
        ),
        # Signed, but in force only from a later date: "pending".
        AgreementSpec(
            title="Double degree agreement with Budapest University of Technology and Economics",
            kind=AgreementKind.DOUBLE_DEGREE,
            unit="econ",
            parties=("@university", "bme"),
            signed_on=days(-10),
            valid_from=days(40),
            expires_on=add_months(days(40), 60),
            areas=("double_degree", "student_mobility"),
        ),
        AgreementSpec(
            title="Memorandum of understanding with Nazarbayev University",
            kind=AgreementKind.MOU,
            unit="university",
            parties=("@university", "nu"),
            signed_on=_date("2018-04-12"),
            areas=("joint_research", "conferences", "guest_lectures"),
            notes="Open-ended: it stays in force until either party withdraws.",
        ),
        # A renewal chain of two...
        AgreementSpec(
            title=TUM_IIA_2015,
            kind=AgreementKind.ERASMUS_IIA,
            unit="fit",
            parties=("@university", "tum"),
            status=Agreement.Status.RENEWED,
            signed_on=_date("2015-03-10"),
            valid_from=_date("2015-09-01"),
            expires_on=_date("2021-08-31"),
            areas=("student_mobility", "staff_mobility"),
        ),
        AgreementSpec(
            title=TUM_IIA_2021,
            kind=AgreementKind.ERASMUS_IIA,
            unit="fit",
            parties=("@university", "tum"),
            signed_on=_date("2021-06-15"),
            valid_from=_date("2021-09-01"),
            expires_on=_date("2028-08-31"),
            areas=("student_mobility", "staff_mobility"),
            renews=TUM_IIA_2015,
            person="coordinator",
        ),
        # ... and one of three.
        AgreementSpec(
            title=f"{KAIST_EXCHANGE}, 2013–2018",
            kind=AgreementKind.EXCHANGE,
            unit="fit",
            parties=("@university", "kaist"),
            status=Agreement.Status.RENEWED,
            signed_on=_date("2013-05-20"),
            expires_on=_date("2018-05-20"),
            areas=("student_mobility", "staff_mobility"),
        ),
        AgreementSpec(
            title=f"{KAIST_EXCHANGE}, 2018–2023",
            kind=AgreementKind.EXCHANGE,
            unit="fit",
            parties=("@university", "kaist"),
            status=Agreement.Status.RENEWED,
            signed_on=_date("2018-05-15"),
            valid_from=_date("2018-05-21"),
            expires_on=_date("2023-05-20"),
            areas=("student_mobility", "staff_mobility"),
            renews=f"{KAIST_EXCHANGE}, 2013–2018",
        ),
        AgreementSpec(
            title=f"{KAIST_EXCHANGE}, 2023–2028",
            kind=AgreementKind.EXCHANGE,
            unit="fit",
            parties=("@university", "kaist"),
            signed_on=_date("2023-06-20"),
            expires_on=_date("2028-06-20"),
            areas=("student_mobility", "staff_mobility", "joint_research"),
            renews=f"{KAIST_EXCHANGE}, 2018–2023",
            person="coordinator",
        ),
        AgreementSpec(
            title="Student exchange agreement with Kaunas University of Technology",
            kind=AgreementKind.EXCHANGE,
            unit="econ",
            parties=("@university", "ktu"),
            status=Agreement.Status.TERMINATED,
            signed_on=_date("2016-05-20"),
            expires_on=_date("2021-05-20"),
            terminated_on=_date("2020-03-16"),
            termination_reason="Terminated by mutual consent: neither side nominated students for three years.",
            areas=("student_mobility",),
        ),
        AgreementSpec(
            title=GAZI_DOUBLE_DEGREE,
            kind=AgreementKind.DOUBLE_DEGREE,
            unit="fit",
            parties=("@university", "gazi"),
            signed_on=_date("2024-05-15"),
            expires_on=_date("2029-05-15"),
            areas=("double_degree", "student_mobility", "diploma_recognition"),
            purpose="Three years at our university and the final year at Gazi University, with both diplomas.",
            person="coordinator",
        ),
        AgreementSpec(
            title=TSINGHUA_MEMORANDUM,
            kind=AgreementKind.MOU,
            unit="fit",
            parties=("@university", "tsinghua"),
            signed_on=_date("2023-10-18"),
            expires_on=_date("2028-10-18"),
            areas=("staff_mobility", "joint_research", "guest_lectures"),
        ),
    )


KIND_TITLES = {
    AgreementKind.MOU: "Memorandum of understanding",
    AgreementKind.MOC: "Memorandum of cooperation",
    AgreementKind.FRAMEWORK: "Framework agreement",
    AgreementKind.EXCHANGE: "Student and staff exchange agreement",
    AgreementKind.DOUBLE_DEGREE: "Double degree agreement",
    AgreementKind.JOINT_DEGREE: "Joint degree agreement",
    AgreementKind.INTERNSHIP: "Internship agreement",
    AgreementKind.RESEARCH: "Research collaboration agreement",
    AgreementKind.ERASMUS_IIA: "Erasmus+ inter-institutional agreement",
}
KIND_AREAS = {
    AgreementKind.MOU: ("joint_research", "conferences", "guest_lectures", "student_mobility"),
    AgreementKind.MOC: ("joint_programs", "experience_exchange", "conferences"),
    AgreementKind.FRAMEWORK: ("joint_research", "student_mobility", "staff_mobility", "summer_schools"),
    AgreementKind.EXCHANGE: ("student_mobility", "staff_mobility"),
    AgreementKind.DOUBLE_DEGREE: ("double_degree", "student_mobility", "diploma_recognition"),
    AgreementKind.JOINT_DEGREE: ("joint_programs", "student_mobility", "diploma_recognition"),
    AgreementKind.INTERNSHIP: ("internships",),
    AgreementKind.RESEARCH: ("joint_research", "shared_laboratories", "conferences"),
    AgreementKind.ERASMUS_IIA: ("student_mobility", "staff_mobility"),
}
KIND_PURPOSES = {
    AgreementKind.MOU: "General academic cooperation and exchange of information.",
    AgreementKind.MOC: "Cooperation in education, research and the exchange of experience.",
    AgreementKind.FRAMEWORK: "The frame for exchanges, joint research and summer schools.",
    AgreementKind.EXCHANGE: "Semester exchange of students and short visits of staff, without tuition fees.",
    AgreementKind.DOUBLE_DEGREE: "A double degree program in which students earn both universities' diplomas.",
    AgreementKind.JOINT_DEGREE: "A joint master's program with one joint diploma.",
    AgreementKind.INTERNSHIP: "Internships and practical training of our students.",
    AgreementKind.RESEARCH: "Joint research projects, shared equipment and joint publications.",
    AgreementKind.ERASMUS_IIA: "Erasmus+ mobility of students and staff under the program's conditions.",
}
# Each used once, in an order the seeded generator shuffles: every kind is there, whatever the seed.
FILLER_KINDS = (
    [AgreementKind.MOU] * 7
    + [AgreementKind.EXCHANGE] * 7
    + [AgreementKind.FRAMEWORK] * 3
    + [AgreementKind.DOUBLE_DEGREE] * 3
    + [AgreementKind.JOINT_DEGREE]
    + [AgreementKind.ERASMUS_IIA] * 5
    + [AgreementKind.RESEARCH] * 4
    + [AgreementKind.INTERNSHIP] * 2
    + [AgreementKind.MOC] * 2
)
FILLER_DRAFTS = {3, 17, 29}
FILLER_NEGOTIATIONS = {8, 22, 31}
FILLER_TERMINATED = {12}


def _filler_agreements(rng: random.Random, taken_titles: set[str]) -> list[AgreementSpec]:
    """Agreements with fixed dates from 2012 on, from the fixed random seed: the same every run."""
    academic = [spec for spec in PARTNERS if spec.kind in (Kind.UNIVERSITY, Kind.COLLEGE)]
    pools = {
        # Erasmus+ agreements are made with universities of programme countries only.
        AgreementKind.ERASMUS_IIA: [spec for spec in academic if spec.country in EU_COUNTRIES],
        AgreementKind.INTERNSHIP: [spec for spec in PARTNERS if spec.kind in (Kind.COMPANY, Kind.COLLEGE)],
    }
    kinds = list(FILLER_KINDS)
    rng.shuffle(kinds)
    specs = []
    for index, kind in enumerate(kinds):
        while True:
            partner = rng.choice(pools.get(kind, academic))
            year = rng.randint(2012, 2025)
            signed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            term_years = rng.choice((3, 5, 5, 5, 10, None))
            unit = rng.choice(("fit", "fit", "eng", "econ", "transport", "digital"))
            draft = index in FILLER_DRAFTS or index in FILLER_NEGOTIATIONS
            suffix = "draft" if index in FILLER_DRAFTS else "under negotiation" if draft else str(year)
            title = f"{KIND_TITLES[kind]} with {partner.name} ({suffix})"
            if title not in taken_titles:
                break
        taken_titles.add(title)
        areas = KIND_AREAS[kind] + tuple(rng.sample(("conferences", "guest_lectures", "summer_schools"), k=1))
        common = {
            "title": title,
            "kind": kind,
            "unit": unit,
            "parties": ("@university", partner.key),
            "areas": tuple(dict.fromkeys(areas)),
            "purpose": KIND_PURPOSES[kind],
            "person": "coordinator" if unit == "fit" else "staff",
        }
        if index in FILLER_DRAFTS:
            specs.append(AgreementSpec(status=Agreement.Status.DRAFT, **common))
            continue
        if index in FILLER_NEGOTIATIONS:
            specs.append(AgreementSpec(status=Agreement.Status.NEGOTIATION, **common))
            continue
        expires = add_months(signed, 12 * term_years) if term_years else None
        signatories = (SignatorySpec(partner.key, "", "", contact=True),)
        if index in FILLER_TERMINATED:
            specs.append(
                AgreementSpec(
                    status=Agreement.Status.TERMINATED,
                    signed_on=signed,
                    expires_on=expires or add_months(signed, 60),
                    terminated_on=add_months(signed, 24),
                    termination_reason="The partner reorganised its faculties and withdrew from the program.",
                    signatories=signatories,
                    **common,
                )
            )
            continue
        specs.append(AgreementSpec(signed_on=signed, expires_on=expires, signatories=signatories, **common))
    return specs


# Subject areas (ISCED-F 2013) by the responsible unit, for quotas and participants.
UNIT_SUBJECTS = {
    "fit": (("0613", "Software and applications development"), ("0612", "Database and network design")),
    "eng": (("0713", "Electricity and energy"), ("0732", "Building and civil engineering")),
    "econ": (("0413", "Management and administration"), ("0311", "Economics")),
    "transport": (("1041", "Transport services"), ("0715", "Mechanics and metal trades")),
    "digital": (("0413", "Public administration"), ("0611", "Computer use")),
    "university": (("0613", "Software and applications development"),),
    "college": (("0732", "Building and civil engineering"),),
}
QUOTA_KINDS = {AgreementKind.EXCHANGE, AgreementKind.ERASMUS_IIA, AgreementKind.DOUBLE_DEGREE}


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    role: str
    partner: str = ""  # with full_name: a contact of this partner; alone: the partner's main contact
    full_name: str = ""
    username: str = ""
    position: str = ""  # for someone with neither an account nor a contact record
    side: str = VisitParticipant.Side.OURS  # for someone named by full_name only


@dataclass(frozen=True)
class ActionSpec:
    description: str
    owner: str
    due_on: datetime.date
    done_on: datetime.date | None = None


@dataclass(frozen=True)
class VisitSpec:
    title: str
    kind: str
    starts_on: datetime.date
    host: str
    partners: tuple[str, ...] = ()
    ends_on: datetime.date | None = None
    status: str = ""  # held or planned from the dates, unless given
    places: str = ""
    city: str = ""
    country: str = ""
    purpose: str = ""
    areas: tuple[str, ...] = ()
    topics: str = ""
    # What was agreed: a text for a point of the whole visit, (partner, text) for one partner's.
    outcomes: tuple[str | tuple[str, str], ...] = ()
    attendees: tuple[Attendee, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    gifts: tuple[tuple[str, str, str], ...] = ()  # (direction, description, from or to)
    agreements_signed: tuple[str, ...] = ()
    person: str = "staff"
    notes: str = ""


SEED_VISITS = (
    # Seed 000, Astana IT University, 24 May 2022.
    VisitSpec(
        title="Meeting with the Advisor on Culture and Education of the Embassy of Turkey",
        kind=VisitKind.MEETING,
        starts_on=_date("2022-05-24"),
        host="university",
        partners=("embassy_tr", "nu", "eksu"),
        purpose=(
            "Part of the marathon on the internationalization of the university and of the concept of training "
            "engineers and professionals at the intersection of public administration and digitalization (G-Tech) "
            "through lifelong learning: the “Life-long learning” and “Digital public administration and services” "
            "programs."
        ),
        areas=("student_mobility", "staff_mobility", "joint_research", "internships"),
        topics=(
            "Establishing cooperation between the university and leading universities in Turkey.\n"
            "Prospects for cooperation with leading IT companies in Turkey."
        ),
        attendees=(
            Attendee(Role.HEAD, "embassy_tr", "Abdulmuttalib Cetin"),
            Attendee(Role.MEMBER, "nu", "Sonel Bosnaly"),
            Attendee(Role.MEMBER, "eksu", "Gulbanu Duman"),
            Attendee(Role.MEMBER, "eksu", "Sadullah Duman"),
        ),
        gifts=(
            (
                Gift.Direction.RECEIVED,
                "A work by the Turkish thinker Nihad Sami Banarli, for the university's scientific library",
                "Embassy of Turkey in the Republic of Kazakhstan (Mr. Abdulmuttalib Cetin)",
            ),
        ),
        person="almenova",
        notes="The book took its place in the collection of the universal scientific library.",
    ),
    VisitSpec(
        title="Business trip of the university's top management to Turkey",
        kind=VisitKind.OUTGOING_TRIP,
        starts_on=_date("2022-03-14"),
        ends_on=_date("2022-03-16"),
        host="university",
        partners=("gazi", "metu_tr", "hacettepe", "ankara", "sakarya", "company_anatolia", "company_bosphorus"),
        places="Ankara; Sakarya; Turkish IT companies",
        city="Ankara",
        country="TR",
        purpose=(
            "Links with leading educational institutions and with the business and industry of the Republic of "
            "Turkey, to bring the best world practices into the university."
        ),
        areas=MOBILITY_AREAS,
        topics=(
            "Mutual collaboration with Gazi University, METU, Hacettepe University, Ankara University and Sakarya "
            "University.\nPractical training of our students in leading Turkish IT companies."
        ),
        outcomes=(
            "Agreement on mutual collaboration with Gazi University, METU, Hacettepe University, Ankara University "
            "and Sakarya University: joint scientific research, scientific conferences, participation in summer "
            "schools, lectures by invited foreign professors, incoming and outgoing academic programs for students "
            "and teaching staff, internships for our graduates.",
            "Agreement with leading Turkish IT companies on the practical training of our students in their companies.",
        ),
        agreements_signed=(
            "Memorandum of understanding on mutual collaboration with Gazi University",
            "Memorandum of understanding on mutual collaboration with Middle East Technical University",
            "Memorandum of understanding on mutual collaboration with Hacettepe University",
            "Memorandum of understanding on mutual collaboration with Ankara University",
            "Memorandum of understanding on mutual collaboration with Sakarya University",
            TURKISH_INTERNSHIP_AGREEMENT,
        ),
        person="almenova",
    ),
    # Seed 002, 4 February 2025.
    VisitSpec(
        title="Meeting of the heads of METU and leading Almaty colleges: signing of the Memorandum of Cooperation",
        kind=VisitKind.SIGNING_CEREMONY,
        starts_on=_date("2025-02-04"),
        host="university",
        partners=("atk", "astk", "apc", "kitig"),
        city="Almaty",
        country="KZ",
        purpose=(
            "Part of 2025, the Year of Vocational Professions declared by the Head of State K.K. Tokayev in his "
            "Address to the People of Kazakhstan: training specialists in working and technical professions that "
            "meet the requirements of the modern labour market."
        ),
        areas=(
            "joint_programs",
            "internships",
            "joint_research",
            "innovation_projects",
            "career_promotion",
            "experience_exchange",
        ),
        topics=(
            "Development of new educational programs, scientific research and innovative projects.\n"
            "Exchange of experience and personnel between educational organizations."
        ),
        outcomes=(
            "The Memorandum of Cooperation was signed by the six parties.",
            "Joint development of educational programs and courses.",
            "Organization of internships for students.",
            "Joint scientific research and implementation of innovative solutions in the educational process.",
            "Popularization of working professions among young people.",
            "Active use of the colleges' intellectual and logistical resources, opening new opportunities for "
            "students, teachers and researchers.",
        ),
        attendees=(
            Attendee(Role.HOST, full_name=RECTOR_NAME, position="Rector"),
            Attendee(Role.MEMBER, full_name=COLLEGE_DIRECTOR_NAME, position="Director of METU College"),
            Attendee(Role.MEMBER, "atk", "Karagulov E.S."),
            Attendee(Role.MEMBER, "astk", "Akhmetov B.S."),
            Attendee(Role.MEMBER, "apc", "Omarbekov M.A."),
            Attendee(Role.MEMBER, "kitig", "Zhabykbaev N.J."),
        ),
        agreements_signed=(METU_MEMORANDUM,),
        person="almenova",
    ),
    # Seed 003, Astana International University, 25 September 2025.
    VisitSpec(
        title="Delegation of the Study Abroad Center of the Chinese Ministry of Education",
        kind=VisitKind.INCOMING_DELEGATION,
        starts_on=_date("2025-09-25"),
        host="university",
        partners=("study_abroad_cn", "moe_cn"),
        purpose="Expanding educational cooperation and the university's participation in international initiatives.",
        areas=(
            "diploma_recognition",
            "double_degree",
            "student_mobility",
            "staff_mobility",
            "job_fairs",
            "foundation_programs",
        ),
        topics=(
            "International recognition of diplomas.\n"
            "Launching joint dual degree programs.\n"
            "Developing academic mobility for students and faculty.\n"
            "Organizing job fairs with the participation of Chinese companies.\n"
            "Sharing experience in implementing educational models, including foundation programs.\n"
            "Support for international students in China: adaptation programs, language courses, international "
            "job fairs, employment with international branches of Chinese companies.\n"
            "Flexible study formats: the 2+2 model (two years in Kazakhstan and two in China) with two diplomas."
        ),
        outcomes=(
            "Academic exchange will underpin the further partnership.",
            "Launch of joint educational programs.",
            "International recognition of diplomas.",
            "Expanding students' opportunities for professional development and employment.",
        ),
        attendees=(
            Attendee(Role.HEAD, "study_abroad_cn", "Xia Jianhui"),
            Attendee(Role.MEMBER, "study_abroad_cn", "Ma Yun"),
            Attendee(Role.MEMBER, "study_abroad_cn", "Wang Shan"),
            Attendee(Role.HOST, full_name=RECTOR_NAME, position="Rector"),
        ),
        actions=(
            ActionSpec(
                "Send the Study Abroad Center the list of programs proposed for the 2+2 model",
                "coordinator",
                _date("2025-10-31"),
                _date("2025-10-27"),
            ),
        ),
        person="almenova",
    ),
    # Seed 004, ALT University. The news item gives no date ("a recent meeting", after the SCO summit
    # of 2025): the day is illustrative.
    VisitSpec(
        title="Visit of the Ambassador of the People's Republic of China Han Chunlin",
        kind=VisitKind.CAMPUS_TOUR,
        starts_on=_date("2025-10-14"),
        host="transport",
        partners=("embassy_cn", "consulate_cn"),
        purpose="Strengthening academic and scientific cooperation between Kazakhstan and China.",
        areas=("joint_research", "shared_laboratories", "student_mobility", "staff_mobility"),
        topics=(
            "Ways to strengthen ties in education and science, with new prospects for students and teachers.\n"
            "Campus tour of the research infrastructure: laboratories and complexes created with Chinese partners.\n"
            "Innovative equipment and educational programs for training highly qualified specialists.\n"
            "Engineering, logistics and technology competences.\n"
            "The research workshop “Silk Road (Jing Shi school)” with Urumqi Vocational University (2023) and the "
            "“Luban Workshop” project under the SCO Tianjin summit (2025)."
        ),
        attendees=(
            Attendee(Role.HEAD, "embassy_cn", "Han Chunlin"),
            Attendee(
                Role.MEMBER,
                full_name="Representatives of the Embassy and of the Consulate General of the PRC",
                side=VisitParticipant.Side.PARTNER,
            ),
        ),
        notes="The date is illustrative: the news item does not give it.",
    ),
)


def _other_visits(today: datetime.date) -> tuple[VisitSpec, ...]:
    def days(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    return (
        VisitSpec(
            "Delegation of Technical University of Munich",
            VisitKind.INCOMING_DELEGATION,
            _date("2019-10-08"),
            "fit",
            ("tum",),
            ends_on=_date("2019-10-09"),
            areas=("student_mobility", "double_degree"),
            topics="Erasmus+ mobility of students and staff; a possible double degree in computer science.",
            outcomes=("Prepare an Erasmus+ inter-institutional agreement for the next program period.",),
            attendees=(Attendee(Role.HEAD, "tum"), Attendee(Role.HOST, username="coordinator")),
            gifts=((Gift.Direction.GIVEN, "A set of books about Kazakhstan", "The delegation of TUM"),),
            person="coordinator",
        ),
        VisitSpec(
            "Erasmus+ information week at Politecnico di Milano",
            VisitKind.OUTGOING_TRIP,
            _date("2019-05-13"),
            "eng",
            ("polimi",),
            ends_on=_date("2019-05-17"),
            city="Milan",
            country="IT",
            areas=("staff_mobility",),
            topics="Erasmus+ staff mobility and credit recognition.",
            attendees=(Attendee(Role.HEAD, username="staff"),),
        ),
        VisitSpec(
            "Online meeting with Warsaw University of Technology",
            VisitKind.ONLINE_MEETING,
            _date("2020-11-18"),
            "eng",
            ("wut",),
            areas=("student_mobility",),
            topics="Virtual mobility during the pandemic.",
            attendees=(Attendee(Role.MEMBER, "wut"),),
        ),
        VisitSpec(
            "Online meeting with Universiti Teknologi Malaysia",
            VisitKind.ONLINE_MEETING,
            _date("2021-02-24"),
            "fit",
            ("utm",),
            areas=("joint_research",),
            topics="Joint research in data science.",
            attendees=(Attendee(Role.MEMBER, "utm"),),
            person="coordinator",
        ),
        VisitSpec(
            "Delegation of Gazi University",
            VisitKind.INCOMING_DELEGATION,
            _date("2022-10-05"),
            "fit",
            ("gazi",),
            ends_on=_date("2022-10-06"),
            areas=("student_mobility", "double_degree"),
            topics="Following up the memorandum of March 2022: exchanges and a 3+1 double degree.",
            outcomes=("Prepare a 3+1 double degree in computer engineering.",),
            attendees=(Attendee(Role.HEAD, "gazi"), Attendee(Role.HOST, username="coordinator")),
            person="coordinator",
        ),
        VisitSpec(
            "Job fair with Turkish IT companies",
            VisitKind.JOB_FAIR,
            _date("2023-04-12"),
            "fit",
            ("company_anatolia", "company_bosphorus"),
            areas=("internships", "job_fairs"),
            topics="Internships and first jobs for graduates of the Faculty of Information Technology.",
            person="coordinator",
        ),
        VisitSpec(
            "Signing of the exchange agreement with KAIST",
            VisitKind.SIGNING_CEREMONY,
            _date("2023-06-20"),
            "fit",
            ("kaist",),
            areas=("student_mobility", "staff_mobility"),
            outcomes=("The exchange agreement was renewed for five years.",),
            attendees=(Attendee(Role.HEAD, "kaist"),),
            agreements_signed=(f"{KAIST_EXCHANGE}, 2023–2028",),
        ),
        VisitSpec(
            "Summer school at Hacettepe University",
            VisitKind.SUMMER_SCHOOL,
            _date("2023-07-10"),
            "eng",
            ("hacettepe",),
            ends_on=_date("2023-07-21"),
            city="Ankara",
            country="TR",
            areas=("summer_schools",),
            topics="Twelve of our engineering students at the summer school on renewable energy.",
        ),
        VisitSpec(
            "Visit to Tsinghua University",
            VisitKind.OUTGOING_TRIP,
            _date("2023-10-16"),
            "fit",
            ("tsinghua",),
            ends_on=_date("2023-10-20"),
            city="Beijing",
            country="CN",
            areas=("staff_mobility", "joint_research"),
            outcomes=("Memorandum of understanding signed; a staff training program to follow.",),
            attendees=(Attendee(Role.HEAD, username="almenova"), Attendee(Role.MEMBER, username="coordinator")),
            agreements_signed=(TSINGHUA_MEMORANDUM,),
            person="almenova",
        ),
        VisitSpec(
            "International Conference on Digital Transformation in Engineering Education",
            VisitKind.CONFERENCE,
            _date("2024-04-25"),
            "fit",
            ("tum", "kaist", "gazi", "tuit"),
            ends_on=_date("2024-04-26"),
            areas=("conferences", "joint_research"),
            topics="Digital transformation of engineering education; artificial intelligence in teaching.",
            attendees=(Attendee(Role.SPEAKER, "tum"), Attendee(Role.SPEAKER, "kaist")),
            person="coordinator",
        ),
        VisitSpec(
            "Delegation of Xinjiang University",
            VisitKind.INCOMING_DELEGATION,
            _date("2024-05-14"),
            "transport",
            ("xju",),
            ends_on=_date("2024-05-15"),
            areas=("student_mobility", "summer_schools"),
            topics="Semester scholarships for our students; a joint summer school.",
            outcomes=("Five places a year for our students under the Chinese Government Scholarship.",),
            attendees=(
                Attendee(Role.HEAD, "xju"),
                Attendee(Role.INTERPRETER, full_name="Zhou Min", side=VisitParticipant.Side.PARTNER),
            ),
            gifts=((Gift.Direction.RECEIVED, "A porcelain vase", "Xinjiang University"),),
        ),
        VisitSpec(
            "Campus tour for Kyrgyz State Technical University",
            VisitKind.CAMPUS_TOUR,
            _date("2024-09-19"),
            "eng",
            ("kstu",),
            areas=("student_mobility",),
            attendees=(Attendee(Role.HEAD, "kstu"),),
        ),
        VisitSpec(
            "Visit to Budapest University of Technology and Economics",
            VisitKind.OUTGOING_TRIP,
            _date("2024-11-11"),
            "econ",
            ("bme",),
            ends_on=_date("2024-11-14"),
            city="Budapest",
            country="HU",
            areas=("double_degree",),
            outcomes=("Draft a double degree agreement in management.",),
        ),
        VisitSpec(
            "Meeting with the Center for International Programs",
            VisitKind.MEETING,
            _date("2025-03-05"),
            "dic",
            ("bolashak",),
            areas=("student_mobility",),
            topics="Bolashak scholarships for our master's graduates.",
            person="almenova",
        ),
        VisitSpec(
            "Delegation of Tashkent University of Information Technologies",
            VisitKind.INCOMING_DELEGATION,
            _date("2025-04-22"),
            "fit",
            ("tuit",),
            ends_on=_date("2025-04-23"),
            areas=("joint_programs", "guest_lectures"),
            attendees=(Attendee(Role.HEAD, "tuit"),),
            person="coordinator",
        ),
        VisitSpec(
            "Almaty International Summer School in Engineering 2025",
            VisitKind.SUMMER_SCHOOL,
            _date("2025-07-01"),
            "eng",
            ("gazi", "hacettepe", "xju", "kstu", "tuit", "kaist"),
            ends_on=_date("2025-07-21"),
            areas=("summer_schools",),
        ),
        VisitSpec(
            "Erasmus+ staff week at Universitat Politècnica de València",
            VisitKind.OUTGOING_TRIP,
            _date("2024-06-03"),
            "econ",
            ("upv",),
            ends_on=_date("2024-06-07"),
            city="Valencia",
            country="ES",
            areas=("staff_mobility",),
        ),
        # Relative to today: what the dashboard and the reminders must always show.
        VisitSpec(
            "Delegation of Tsinghua University: double degree talks",
            VisitKind.INCOMING_DELEGATION,
            days(3),
            "fit",
            ("tsinghua",),
            ends_on=days(4),
            areas=("double_degree", "staff_mobility"),
            topics="A double degree in computer science; the next staff training.",
            attendees=(Attendee(Role.HEAD, "tsinghua"), Attendee(Role.HOST, username="coordinator")),
            person="coordinator",
        ),
        VisitSpec(
            "Online meeting with Seoul National University",
            VisitKind.ONLINE_MEETING,
            days(9),
            "eng",
            ("snu",),
            areas=("student_mobility",),
            attendees=(Attendee(Role.MEMBER, "snu"),),
        ),
        VisitSpec(
            "Visit to Sakarya University",
            VisitKind.OUTGOING_TRIP,
            days(20),
            "fit",
            ("sakarya",),
            ends_on=days(23),
            city="Sakarya",
            country="TR",
            areas=("student_mobility", "guest_lectures"),
            attendees=(Attendee(Role.HEAD, username="coordinator"),),
            person="coordinator",
        ),
        VisitSpec(
            "Job fair with Chinese companies",
            VisitKind.JOB_FAIR,
            days(45),
            "university",
            ("study_abroad_cn",),
            areas=("job_fairs",),
            topics="Following the meeting with the Study Abroad Center: employers from Chinese companies' branches.",
            person="almenova",
        ),
        VisitSpec(
            "Delegation of Warsaw University of Technology",
            VisitKind.INCOMING_DELEGATION,
            days(-21),
            "eng",
            ("wut",),
            ends_on=days(-20),
            areas=("student_mobility", "staff_mobility"),
            outcomes=("Conclude an Erasmus+ inter-institutional agreement for engineering.",),
            attendees=(Attendee(Role.HEAD, "wut"), Attendee(Role.HOST, username="staff")),
            actions=(
                ActionSpec("Send thank-you letters to the delegation", "staff", days(-18), days(-19)),
                ActionSpec(
                    "Send the draft Erasmus+ inter-institutional agreement to Warsaw University of Technology",
                    "staff",
                    days(-7),
                ),
            ),
        ),
        VisitSpec(
            "Meeting with Ankara University on guest lectures",
            VisitKind.ONLINE_MEETING,
            days(-10),
            "fit",
            ("ankara",),
            areas=("guest_lectures",),
            outcomes=("Two professors of Ankara University to give guest lectures next semester.",),
            attendees=(Attendee(Role.MEMBER, "ankara"),),
            actions=(
                ActionSpec("Agree the dates of the guest lectures with Ankara University", "coordinator", days(5)),
            ),
            person="coordinator",
        ),
        VisitSpec(
            "Delegation to universities and IT companies of Ankara and Istanbul",
            VisitKind.OUTGOING_TRIP,
            days(-40),
            "university",
            ("gazi", "metu_tr", "hacettepe", "ankara", "itu", "company_anatolia", "company_bosphorus"),
            ends_on=days(-35),
            places="Ankara: Gazi, METU, Hacettepe, Ankara University, Anatolia Software; Istanbul: İTÜ, Bosphorus Cloud",
            city="Ankara",
            country="TR",
            purpose="Following up the memoranda of March 2022 with each partner, and meeting a new one in Istanbul.",
            areas=("double_degree", "summer_schools", "guest_lectures", "student_mobility", "internships"),
            topics="What each partner offers our students and staff in the next two academic years.",
            # Each point names the partner it concerns, and is shown on that partner's page.
            outcomes=(
                ("gazi", "Extend the 3+1 double degree in computer engineering to information security."),
                ("metu_tr", "A joint summer school on artificial intelligence, in Ankara and Almaty in turn."),
                ("hacettepe", "Ten places a year for our students at the summer school on renewable energy."),
                ("ankara", "Two professors of Ankara University to give guest lectures each semester."),
                ("itu", "Prepare a student and staff exchange agreement between the faculties of engineering."),
                ("company_anatolia", "Summer internships in software development for five of our students a year."),
                ("company_bosphorus", "Internships in cloud infrastructure; its engineers to teach a course with us."),
                "A joint application of the Turkish partners and our university to an Erasmus+ capacity building call.",
            ),
            attendees=(Attendee(Role.HEAD, username="almenova"), Attendee(Role.MEMBER, username="coordinator")),
            person="almenova",
        ),
        VisitSpec(
            "Campus tour for Nazarbayev University researchers",
            VisitKind.CAMPUS_TOUR,
            days(-60),
            "eng",
            ("nu",),
            areas=("joint_research", "shared_laboratories"),
            attendees=(Attendee(Role.HEAD, "nu"),),
            actions=(ActionSpec("Share the list of our laboratories' equipment", "staff", days(-45), days(-50)),),
        ),
        VisitSpec(
            "Delegation of Tomsk Polytechnic University",
            VisitKind.INCOMING_DELEGATION,
            days(-100),
            "eng",
            ("tpu",),
            status=Visit.Status.CANCELLED,
            notes="Cancelled by the partner.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# Mobility
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramSpec:
    title: str
    kind: str
    academic_year: str
    unit: str
    partners: tuple[str, ...]
    direction: str
    currency: str
    funding_source: str
    participants: int = 0
    places: int | None = None
    agreement: str = ""
    degree_structure: str = ""
    participant_kind: str = Participant.Kind.STUDENT
    description: str = ""
    # (start month, start day, months) of a stay within the academic year
    stay: tuple[int, int, int] = (9, 1, 5)
    grant_range: tuple[int, int] = (0, 0)
    coordinator: str = "staff"


PROGRAMS = (
    ProgramSpec(
        "Practical training in Turkish IT companies",
        Program.Kind.INTERNSHIP,
        "2022/2023",
        "fit",
        ("company_anatolia", "company_bosphorus"),
        Program.ProgramDirection.OUTGOING,
        "USD",
        "The host companies' stipend",
        participants=14,
        places=15,
        agreement=TURKISH_INTERNSHIP_AGREEMENT,
        stay=(6, 15, 2),
        grant_range=(1200, 2400),
        coordinator="coordinator",
    ),
    ProgramSpec(
        "Erasmus+ student exchange (KA171)",
        Program.Kind.EXCHANGE,
        "2023/2024",
        "fit",
        ("tum", "polimi", "wut", "ctu"),
        Program.ProgramDirection.BOTH,
        "EUR",
        "Erasmus+ KA171",
        participants=28,
        places=30,
        agreement=TUM_IIA_2021,
        stay=(9, 1, 5),
        grant_range=(3400, 4600),
        coordinator="coordinator",
    ),
    ProgramSpec(
        "Erasmus+ staff teaching mobility",
        Program.Kind.STAFF_TEACHING,
        "2024/2025",
        "eng",
        ("tum", "polimi", "upv", "bme"),
        Program.ProgramDirection.BOTH,
        "EUR",
        "Erasmus+ KA171",
        participants=10,
        places=12,
        agreement=TUM_IIA_2021,
        participant_kind=Participant.Kind.STAFF,
        stay=(3, 10, 0),
        grant_range=(1100, 1600),
    ),
    ProgramSpec(
        "Almaty International Summer School in Engineering",
        Program.Kind.SUMMER_SCHOOL,
        "2024/2025",
        "eng",
        ("gazi", "hacettepe", "xju", "kstu", "tuit", "kaist"),
        Program.ProgramDirection.INCOMING,
        "KZT",
        "University budget",
        participants=30,
        places=30,
        stay=(7, 1, 0),
        grant_range=(150000, 300000),
    ),
    ProgramSpec(
        "Incoming exchange semester from Turkish partner universities",
        Program.Kind.EXCHANGE,
        "2026/2027",
        "fit",
        ("gazi", "metu_tr", "hacettepe", "ankara", "sakarya"),
        Program.ProgramDirection.INCOMING,
        "KZT",
        "University scholarship for incoming students",
        participants=18,
        places=20,
        agreement="Memorandum of understanding on mutual collaboration with Gazi University",
        stay=(2, 1, 5),
        grant_range=(400000, 700000),
        coordinator="coordinator",
    ),
    ProgramSpec(
        "Chinese Government Scholarship: semester at Xinjiang University",
        Program.Kind.SCHOLARSHIP,
        "2026/2027",
        "transport",
        ("xju",),
        Program.ProgramDirection.OUTGOING,
        "CNY",
        "Chinese Government Scholarship",
        participants=15,
        places=15,
        agreement="Agreement on academic cooperation with Xinjiang University",
        stay=(9, 1, 5),
        grant_range=(15000, 17500),
    ),
    ProgramSpec(
        "Staff training at Tsinghua University",
        Program.Kind.STAFF_TRAINING,
        "2025/2026",
        "fit",
        ("tsinghua",),
        Program.ProgramDirection.OUTGOING,
        "USD",
        "University development fund",
        participants=8,
        places=8,
        agreement=TSINGHUA_MEMORANDUM,
        participant_kind=Participant.Kind.STAFF,
        stay=(4, 6, 0),
        grant_range=(1800, 2600),
    ),
    ProgramSpec(
        "Silk Road workshop exchange with Urumqi Vocational University",
        Program.Kind.EXCHANGE,
        "2024/2025",
        "transport",
        ("urumqi",),
        Program.ProgramDirection.BOTH,
        "CNY",
        "Urumqi Vocational University and the university budget",
        participants=12,
        places=12,
        agreement=SILK_ROAD_AGREEMENT,
        stay=(2, 10, 4),
        grant_range=(8000, 12000),
    ),
    ProgramSpec(
        "3+1 double degree in Computer Engineering with Gazi University",
        Program.Kind.DOUBLE_DEGREE,
        "2026/2027",
        "fit",
        ("gazi",),
        Program.ProgramDirection.OUTGOING,
        "KZT",
        "University grant",
        participants=15,
        places=15,
        agreement=GAZI_DOUBLE_DEGREE,
        degree_structure="3+1",
        stay=(9, 15, 9),
        grant_range=(600000, 900000),
        coordinator="coordinator",
        description="Three years at our university and the final year at Gazi University, with both diplomas.",
    ),
    # Seed 003: the 2+2 model, open for applications.
    ProgramSpec(
        "2+2 double degree program with Chinese universities",
        Program.Kind.DOUBLE_DEGREE,
        "2027/2028",
        "fit",
        ("study_abroad_cn",),
        Program.ProgramDirection.OUTGOING,
        "CNY",
        "Chinese Government Scholarship (expected)",
        places=20,
        agreement=TWO_PLUS_TWO_AGREEMENT,
        degree_structure="2+2",
        coordinator="coordinator",
        description=(
            "Two years in Kazakhstan and two in China, with the possibility of obtaining two diplomas: a direct "
            "path to international certification. Discussed with the Study Abroad Center of the Chinese Ministry "
            "of Education on 25 September 2025."
        ),
    ),
)
LEVELS = (Participant.Level.BACHELOR,) * 4 + (Participant.Level.MASTER,) * 2 + (Participant.Level.DOCTORATE,)


# ---------------------------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    usernames: tuple[str, ...] = LOGIN_USERS


def demo_load(*, password: str = DEFAULT_PASSWORD) -> DemoSummary:
    """Load (or bring up to date) the demo data, in one transaction."""
    # modeltranslation writes the base column of a translated field (Unit.name) in the active
    # language: English, whoever runs the command, so the unique unit names never change.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        loader = _DemoLoader(today=timezone.localdate(), password=password)
        loader.load()
    return DemoSummary(
        counts={
            "units": Unit.objects.count(),
            "partners": Institution.objects.count(),
            "agreements": Agreement.objects.count(),
            "visits": Visit.objects.count(),
            "programs": Program.objects.count(),
            "participants": Participant.objects.count(),
        }
    )


class _DemoLoader:
    def __init__(self, *, today: datetime.date, password: str):
        self.today = today
        self.password = password
        self.units: dict[str, Unit] = {}
        self.users: dict[str, User] = {}
        self.partners: dict[str, Institution] = {}
        self.partner_specs = {spec.key: spec for spec in PARTNERS}
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.main_contacts: dict[str, Contact] = {}
        self.agreements: dict[str, Agreement] = {}
        self.areas: dict[str, AreaOfCooperation] = {}

    def load(self) -> None:
        self.ensure_reference_data()
        self.load_units()
        self.load_users()
        self.load_partners()
        self.load_contacts()
        self.load_agreements()
        self.load_visits()
        self.load_programs()

    def ensure_reference_data(self) -> None:
        """The roles and the areas of cooperation come from data migrations; a flushed database
        (a transactional test, `flush`) has lost them, so put them back the same way."""
        if Group.objects.filter(name__in=roles.ROLES).count() < len(roles.ROLES):
            roles.sync_role_permissions(django_apps)
        if not AreaOfCooperation.objects.exists():
            areas_migration = importlib.import_module("agreements.migrations.0002_areas_of_cooperation")
            areas_migration.create_areas(django_apps, None)
        self.areas = AreaOfCooperation.objects.in_bulk(field_name="code")

    # Our university -------------------------------------------------------------------------

    def load_units(self) -> None:
        home = settings.HOME_INSTITUTION_NAME
        russian, kazakh = HOME_NAME_TRANSLATIONS.get(home, (home, home))
        self.units["university"] = self._unit(home, russian, kazakh, "METU", Unit.Kind.UNIVERSITY, None)
        for key, (english, russian, kazakh, short_name, kind, parent) in UNITS.items():
            self.units[key] = self._unit(english, russian, kazakh, short_name, kind, self.units[parent])

    def _unit(self, english, russian, kazakh, short_name, kind, parent) -> Unit:
        return _upsert(
            Unit,
            {"name_en": english},
            name_ru=russian,
            name_kk=kazakh,
            short_name=short_name,
            kind=kind,
            parent=parent,
            is_active=True,
        )

    def load_users(self) -> None:
        groups = {
            group.name: group
            for group in Group.objects.filter(name__in=[roles.OFFICE, roles.COORDINATOR, roles.RECTOR])
        }
        for spec in USERS:
            user = _upsert(
                User,
                {"username": spec.username},
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@{EMAIL_DOMAIN}",
                is_staff=spec.is_staff,
                is_superuser=spec.is_superuser,
                is_active=True,
            )
            # A new hash has a new salt: set it only when the password is not already the one asked for.
            if not user.check_password(self.password):
                user.set_password(self.password)
                user.save(update_fields=["password"])
            _set_many(user, "groups", [groups[spec.role]] if spec.role else [])
            _upsert(
                Profile,
                {"user": user},
                unit=self.units[spec.unit] if spec.unit else None,
                position=spec.position,
                language=spec.language,
            )
            self.users[spec.username] = user

    # Partners -------------------------------------------------------------------------------

    def load_partners(self) -> None:
        tags = {}
        for spec in PARTNERS:
            for tag in spec.tags:
                if tag not in tags:
                    tags[tag] = _upsert(Tag, {"name": tag})
            latitude, longitude = CITY_COORDINATES.get(spec.city, (None, None))
            institution = _upsert(
                Institution,
                {"name": spec.name},
                short_name=spec.short_name,
                kind=spec.kind,
                country=spec.country,
                city=spec.city,
                website=spec.website,
                parent=self.partners[spec.parent] if spec.parent else None,
                status=spec.status,
                erasmus_code=spec.erasmus_code,
                schac_id=spec.schac_id,
                notes=spec.notes,
                is_public=spec.status == Institution.Status.ACTIVE and spec.kind != Kind.COMPANY,
                latitude=Decimal(latitude) if latitude else None,
                longitude=Decimal(longitude) if longitude else None,
            )
            for variant in spec.names:
                name, language, kind = variant[:3]
                used_until = _date(variant[3]) if len(variant) > 3 else None
                _upsert(
                    InstitutionName,
                    {"institution": institution, "name": name},
                    language=language,
                    kind=kind,
                    used_until=used_until,
                )
            _set_many(institution, "tags", [tags[tag] for tag in spec.tags])
            self.partners[spec.key] = institution

    def load_contacts(self) -> None:
        for spec in SEED_CONTACTS:
            contact = _upsert(
                Contact,
                {"institution": self.partners[spec.partner], "full_name": spec.full_name},
                position=spec.position,
                honorific=spec.honorific,
                languages=spec.languages,
                notes=spec.notes,
            )
            self.contacts[(spec.partner, spec.full_name)] = contact
            self.main_contacts.setdefault(spec.partner, contact)
        # Invented people, one per partner the seeds give nobody at.
        for spec in PARTNERS:
            rng = _rng("contact", spec.key)
            full_name = _person_name(rng, spec.country)
            position = rng.choice(CONTACT_POSITIONS)
            if spec.key in NO_GENERATED_CONTACT or spec.key in self.main_contacts:
                continue
            if spec.kind == Kind.COMPANY:
                position = "Head of Human Resources"
            elif spec.kind == Kind.GOVERNMENT:
                position = "Head of the Department of International Programs"
            contact = _upsert(
                Contact,
                {"institution": self.partners[spec.key], "full_name": full_name},
                position=position,
                honorific="Dr." if spec.kind == Kind.UNIVERSITY else "",
                languages="en",
            )
            self.contacts[(spec.key, full_name)] = contact
            self.main_contacts[spec.key] = contact

    # Agreements -----------------------------------------------------------------------------

    def load_agreements(self) -> None:
        specs = [*SEED_AGREEMENTS, *_special_agreements(self.today)]
        specs += _filler_agreements(_rng("agreements"), {spec.title for spec in specs})
        # The number follows the agreement's place in this list, never its dates, so that numbers
        # do not move between agreements from one day to the next (they are unique).
        for number, spec in enumerate(specs, start=1):
            self.agreements[spec.title] = self._agreement(spec, number)

    def _party(self, agreement: Agreement, key: str, order: int) -> AgreementParty:
        if key.startswith("@"):
            lookup = {"agreement": agreement, "unit": self.units[key[1:]]}
        else:
            lookup = {"agreement": agreement, "institution": self.partners[key]}
        return _upsert(AgreementParty, lookup, order=order)

    def _agreement(self, spec: AgreementSpec, number: int) -> Agreement:
        signed = spec.signed_on
        agreement = _upsert(
            Agreement,
            {"title": spec.title},
            kind=spec.kind,
            status=spec.status,
            registration_number=f"IC-{signed.year}/{number:03d}" if signed else "",
            purpose=spec.purpose,
            responsible_unit=self.units[spec.unit],
            responsible_person=self.users[spec.person],
            signed_on=signed,
            valid_from=spec.valid_from or signed,
            expires_on=spec.expires_on,
            auto_renews=spec.auto_renews,
            renewal_term_months=spec.renewal_term_months,
            renewal_notice_days=spec.renewal_notice_days,
            renews=self.agreements[spec.renews] if spec.renews else None,
            terminated_on=spec.terminated_on,
            termination_reason=spec.termination_reason,
            notes=spec.notes,
        )
        _set_many(agreement, "areas", [self.areas[code] for code in spec.areas])
        parties = {key: self._party(agreement, key, order) for order, key in enumerate(spec.parties, start=1)}
        for signatory in spec.signatories:
            contact = None
            full_name, position = signatory.full_name, signatory.position
            if signatory.contact:
                contact = self.contacts.get((signatory.party, full_name)) or self.main_contacts.get(signatory.party)
                if contact is None:
                    continue
                full_name, position = contact.full_name, position or contact.position
            _upsert(
                Signatory,
                {"agreement": agreement, "full_name": full_name},
                party=parties[signatory.party],
                position=position,
                contact=contact,
                signed_on=signed,
            )
        if spec.kind in QUOTA_KINDS and spec.status in (Agreement.Status.SIGNED, Agreement.Status.RENEWED):
            self._quotas(agreement, spec)
        return agreement

    def _quotas(self, agreement: Agreement, spec: AgreementSpec) -> None:
        """Places per academic year of the agreement's term (at most four, from 2021/2022 on)."""
        start = spec.valid_from or spec.signed_on
        end = spec.expires_on or add_months(start, 60)
        rng = _rng("quotas", spec.title)
        subject_area = UNIT_SUBJECTS[spec.unit][0][0]
        years = []
        for first_year in range(max(start.year, 2021), end.year):
            academic_year = f"{first_year}/{first_year + 1}"
            year_start, year_end = academic_year_bounds(academic_year)
            if year_start >= start and year_end <= end:
                years.append(academic_year)
        for academic_year in years[:4]:
            for direction in (Quota.Direction.OUTGOING, Quota.Direction.INCOMING):
                places = rng.randint(2, 6)
                _upsert(
                    Quota,
                    {
                        "agreement": agreement,
                        "academic_year": academic_year,
                        "direction": direction,
                        "category": Quota.Category.STUDENT_STUDIES,
                        "subject_area": subject_area,
                    },
                    places=places,
                    total_months=Decimal(places * 5),
                    total_days=None,
                    eqf_levels="6, 7",
                    language_requirements="English B2",
                )
            staff_places = rng.randint(1, 2)
            _upsert(
                Quota,
                {
                    "agreement": agreement,
                    "academic_year": academic_year,
                    "direction": Quota.Direction.OUTGOING,
                    "category": Quota.Category.STAFF_TEACHING,
                    "subject_area": subject_area,
                },
                places=staff_places,
                total_months=None,
                total_days=staff_places * 5,
                eqf_levels="",
                language_requirements="English B2",
            )

    # Visits ---------------------------------------------------------------------------------

    def load_visits(self) -> None:
        for spec in (*SEED_VISITS, *_other_visits(self.today)):
            self._visit(spec)

    def _visit(self, spec: VisitSpec) -> Visit:
        ends_on = spec.ends_on or spec.starts_on
        status = spec.status or (Visit.Status.HELD if ends_on < self.today else Visit.Status.PLANNED)
        visit = _upsert(
            Visit,
            {"title": spec.title},
            kind=spec.kind,
            status=status,
            starts_on=spec.starts_on,
            ends_on=ends_on,
            places=spec.places,
            city=spec.city,
            country=spec.country,
            host_unit=self.units[spec.host],
            responsible_person=self.users[spec.person],
            purpose=spec.purpose,
            topics=spec.topics,
            notes=spec.notes,
        )
        _set_many(visit, "partners", [self.partners[key] for key in spec.partners])
        _set_many(visit, "areas", [self.areas[code] for code in spec.areas])
        _set_many(visit, "agreements_signed", [self.agreements[title] for title in spec.agreements_signed])
        for attendee in spec.attendees:
            self._attendee(visit, attendee)
        for order, outcome in enumerate(spec.outcomes, start=1):
            partner, text = outcome if isinstance(outcome, tuple) else ("", outcome)
            institution = self.partners[partner] if partner else None
            _upsert(Outcome, {"visit": visit, "order": order}, text=text, institution=institution)
        for action in spec.actions:
            _upsert(
                FollowUpAction,
                {"visit": visit, "description": action.description},
                owner=self.users[action.owner],
                due_on=action.due_on,
                done_on=action.done_on,
                done_by=self.users[action.owner] if action.done_on else None,
            )
        for direction, description, counterpart in spec.gifts:
            _upsert(Gift, {"visit": visit, "description": description}, direction=direction, counterpart=counterpart)
        return visit

    def _attendee(self, visit: Visit, attendee: Attendee) -> VisitParticipant:
        if attendee.username:
            lookup = {"visit": visit, "user": self.users[attendee.username], "contact": None}
            side = VisitParticipant.Side.OURS
            full_name = ""
        elif attendee.partner:
            contact = (
                self.contacts[(attendee.partner, attendee.full_name)]
                if attendee.full_name
                else self.main_contacts[attendee.partner]
            )
            lookup = {"visit": visit, "contact": contact, "user": None}
            side = VisitParticipant.Side.PARTNER
            full_name = ""
        else:
            lookup = {"visit": visit, "full_name": attendee.full_name, "contact": None, "user": None}
            side = attendee.side
            full_name = attendee.full_name
        values = {"side": side, "role": attendee.role, "position": attendee.position}
        if not full_name:
            values["full_name"] = ""
        return _upsert(VisitParticipant, lookup, **values)

    # Mobility -------------------------------------------------------------------------------

    def load_programs(self) -> None:
        for spec in PROGRAMS:
            self._program(spec)

    def _program(self, spec: ProgramSpec) -> Program:
        year_start, year_end = academic_year_bounds(spec.academic_year)
        if spec.participants:
            # Calls for applications of past years closed in the spring before.
            application_deadline = datetime.date(year_start.year, 4, 15)
            nomination_deadline = datetime.date(year_start.year, 5, 15)
        else:
            # A program still open for applications: its deadlines come up in the next weeks.
            application_deadline = self.today + datetime.timedelta(days=25)
            nomination_deadline = self.today + datetime.timedelta(days=40)
        program = _upsert(
            Program,
            {"title": spec.title, "academic_year": spec.academic_year},
            kind=spec.kind,
            degree_structure=spec.degree_structure,
            direction=spec.direction,
            agreement=self.agreements[spec.agreement] if spec.agreement else None,
            unit=self.units[spec.unit],
            coordinator=self.users[spec.coordinator],
            places=spec.places,
            funding_source=spec.funding_source,
            application_deadline=application_deadline,
            nomination_deadline=nomination_deadline,
            description=spec.description,
        )
        _set_many(program, "partners", [self.partners[key] for key in spec.partners])
        self._participants(program, spec)
        return program

    def _participants(self, program: Program, spec: ProgramSpec) -> None:
        rng = _rng("participants", spec.title, spec.academic_year)
        year_start, _year_end = academic_year_bounds(spec.academic_year)
        names: set[str] = set()
        is_staff = spec.participant_kind == Participant.Kind.STAFF
        for index in range(spec.participants):
            if spec.direction == Program.ProgramDirection.BOTH:
                direction = "outgoing" if index % 3 else "incoming"
            else:
                direction = spec.direction
            partner_key = rng.choice(spec.partners)
            country = "KZ" if direction == "outgoing" else self.partner_specs[partner_key].country
            full_name = _person_name(rng, country)
            while full_name in names:
                full_name = _person_name(rng, country)
            names.add(full_name)
            unit_key = spec.unit if rng.random() < 0.7 else rng.choice(FACULTIES)
            isced_code, field_of_study = rng.choice(UNIT_SUBJECTS[unit_key])
            month, day, months = spec.stay
            year = year_start.year if month >= 9 else year_start.year + 1
            starts_on = datetime.date(year, month, day) + datetime.timedelta(days=rng.randint(0, 10))
            stay_days = 30 * months if months else (5 if is_staff else 20)
            ends_on = starts_on + datetime.timedelta(days=stay_days)
            withdrawn = rng.random() < 0.06
            status_roll = rng.random()
            low, high = spec.grant_range
            grant = Decimal(rng.randint(low // 50, high // 50) * 50) if high and rng.random() < 0.85 else None
            if is_staff:
                level = Participant.Level.STAFF
                category = (
                    Quota.Category.STAFF_TEACHING
                    if spec.kind == Program.Kind.STAFF_TEACHING
                    else Quota.Category.STAFF_TRAINING
                )
            else:
                level = rng.choice(LEVELS)
                category = (
                    Quota.Category.STUDENT_TRAINEESHIP
                    if spec.kind == Program.Kind.INTERNSHIP
                    else Quota.Category.STUDENT_STUDIES
                )
            status = self._participant_status(starts_on, ends_on, withdrawn, status_roll)
            _upsert(
                Participant,
                {"program": program, "full_name": full_name},
                kind=spec.participant_kind,
                direction=direction,
                email="",
                unit=self.units[unit_key],
                partner_institution=self.partners[partner_key],
                field_of_study=field_of_study,
                isced_code=isced_code,
                level=level,
                quota_category=category,
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
                grant_amount=grant,
                grant_currency=spec.currency if grant is not None else "",
                # The report and the transcript are due a month after the return.
                documents_due_on=ends_on + datetime.timedelta(days=30),
            )

    def _participant_status(self, starts_on, ends_on, withdrawn: bool, roll: float) -> str:
        """The status its dates give it today, so that "abroad" means abroad now."""
        if withdrawn:
            return Participant.Status.WITHDRAWN
        if ends_on < self.today:
            # Completed once the report and transcript are in; some are still missing them.
            recent = ends_on >= self.today - datetime.timedelta(days=45)
            return Participant.Status.RETURNED if recent or roll < 0.1 else Participant.Status.COMPLETED
        if starts_on <= self.today:
            return Participant.Status.ABROAD
        if (starts_on - self.today).days <= 30 or roll < 0.45:
            return Participant.Status.ACCEPTED
        return Participant.Status.APPLIED if roll < 0.8 else Participant.Status.NOMINATED
