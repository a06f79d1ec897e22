"""Synthetic data in bulk for benchmarks and load tests (`manage.py seed_bulk`).

Partners with names in several scripts (Latin, Cyrillic, Kazakh Cyrillic, Chinese, Korean,
Turkish with its accents) and their variants, agreements over fifteen years with parties,
areas, signatories and quotas, visits with partners, participants, outcomes and follow-up
actions, mobility programs with their participants. Everything is inserted with bulk_create in
batches (plain Django, no COPY), so model save() methods do not run: the denormalised
Institution.search_text is built here with the model's own refresh_search_text().

The data is deterministic for a seed. Some partners are far more connected than others (a
Zipf-like choice), as in a real office where a few universities have dozens of agreements.

The words are in data files, the numbers here: the countries with their share of partners and
their real cities in cooperation/demo/data/bulk/countries.yaml, how partners and people are named
(name parts and patterns per script) in names.yaml, our side and the other records' words in
texts.yaml; how many of what, and how often, in this module.
"""

import datetime
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, AreaOfCooperation, Quota, Signatory
from cooperation import roles
from cooperation.activity import refresh_kept
from cooperation.demo.files import read
from cooperation.lib.academic_years import academic_year_of
from cooperation.visits.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import REBUILT_FIELDS, Contact, Institution, InstitutionName, Profile, Tag, Unit

BATCH_SIZE = 2000
YEARS_BACK = 15

# How many partners of each kind, out of the sum.
KIND_WEIGHTS = [
    (Institution.Kind.UNIVERSITY, 55),
    (Institution.Kind.COLLEGE, 8),
    (Institution.Kind.RESEARCH_INSTITUTE, 8),
    (Institution.Kind.COMPANY, 10),
    (Institution.Kind.GOVERNMENT, 5),
    (Institution.Kind.EMBASSY, 2),
    (Institution.Kind.CONSULATE, 2),
    (Institution.Kind.INTERNATIONAL_ORGANISATION, 2),
    (Institution.Kind.FOUNDATION, 4),
    (Institution.Kind.SCHOOL, 2),
    (Institution.Kind.OTHER, 2),
]


@dataclass
class Sizes:
    partners: int = 1000
    agreements: int = 5000
    visits: int = 2000
    participants: int = 20000
    programs: int | None = None  # by default one program per 40 participants

    @property
    def program_count(self) -> int:
        if self.programs is not None:
            return self.programs
        return max(1, self.participants // 40) if self.participants else 0


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _insert(model: type[models.Model], objects: Iterable[models.Model], batch_size: int = BATCH_SIZE) -> list:
    """bulk_create in batches built lazily, so that at most one batch of instances is in memory.
    Returns the created instances only for models whose pks the caller keeps (small tables)."""
    created = []
    for batch in _batches(objects, batch_size):
        created.extend(model.objects.bulk_create(batch, batch_size=batch_size))
    return created


def _insert_count(model: type[models.Model], objects: Iterable[models.Model], batch_size: int = BATCH_SIZE) -> int:
    count = 0
    for batch in _batches(objects, batch_size):
        model.objects.bulk_create(batch, batch_size=batch_size)
        count += len(batch)
    return count


class _Zipf:
    """Picks indexes 0..n-1, index k with weight 1/(k+1)**s, shuffled so that the busy partners
    are spread over countries; O(log n) per pick."""

    def __init__(self, rng: random.Random, n: int, s: float = 0.4):
        order = list(range(n))
        rng.shuffle(order)
        self.order = order
        self.cumulative = list(itertools.accumulate(1 / (k + 1) ** s for k in range(n)))
        self.rng = rng

    def pick(self) -> int:
        return self.order[self.rng.choices(range(len(self.order)), cum_weights=self.cumulative)[0]]

    def sample(self, k: int) -> list[int]:
        picked: dict[int, None] = {}
        for _attempt in range(k * 4):
            picked[self.pick()] = None
            if len(picked) == k:
                break
        return list(picked)


def _name(pattern: str, **parts: str) -> str:
    """A name from its pattern (names.yaml): an empty part leaves no double space."""
    return " ".join(pattern.format(**parts).split())


def _weighted(rng: random.Random, pairs: Sequence[tuple[object, int]]):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


class BulkSeeder:
    """Fills the database; run() does everything in order and returns counts and timings."""

    def __init__(self, sizes: Sizes, *, seed: int = 7, today: datetime.date | None = None, log: Callable = None):
        self.countries = read("bulk/countries.yaml")
        self.names = read("bulk/names.yaml")
        self.texts = read("bulk/texts.yaml")
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today or timezone.localdate()
        self.log = log or (lambda message: None)
        self.report = SeedReport()

    # -- helpers

    def _step(self, name: str, function: Callable[[], int]) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            count = function()
        seconds = time.perf_counter() - started
        self.report.counts[name] = count
        self.report.seconds[name] = seconds
        self.log(f"{name:<22} {count:>9,} rows  {seconds:6.1f} s")

    def _day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def _person(self) -> str:
        if self.rng.random() < 0.15:
            return self.rng.choice(self.names["cyrillic_names"])
        return f"{self.rng.choice(self.names['first_names'])} {self.rng.choice(self.names['last_names'])}"

    def run(self) -> SeedReport:
        self._step("units and staff", self.seed_units_and_people)
        self._step("partners", self.seed_partners)
        self._step("name variants", self.seed_names)
        self._step("search text", self.refresh_search_text)
        self._step("contacts", self.seed_contacts)
        self._step("agreements", self.seed_agreements)
        self._step("parties", self.seed_parties)
        self._step("agreement areas", self.seed_agreement_areas)
        self._step("signatories", self.seed_signatories)
        self._step("quotas", self.seed_quotas)
        self._step("visits", self.seed_visits)
        self._step("visit rows", self.seed_visit_rows)
        self._step("programs", self.seed_programs)
        self._step("participants", self.seed_participants)
        # bulk_create sends no signals: what is kept (cooperation/activity.py) is computed once, at the end.
        self._step("kept figures", refresh_kept)
        self._vacuum()
        return self.report

    def _vacuum(self) -> None:
        """VACUUM ANALYZE on PostgreSQL, as autovacuum does some time after a big load: fresh
        planner statistics, and the trigram indexes' pending lists merged. Until then every
        search reads those unsorted lists whole (GIN's fast update), several times slower on
        freshly seeded data. Not inside a transaction (a test's), where
        VACUUM cannot run."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.log(f"{'vacuum and analyze':<22} {'':>9}       {time.perf_counter() - started:6.1f} s")

    # -- our side

    def seed_units_and_people(self) -> int:
        university, college, faculties = self.texts["university"], self.texts["college"], self.texts["faculties"]
        existing = {unit.name: unit for unit in Unit.objects.all()}
        wanted = [
            (university["name"], university["short_name"], Unit.Kind.UNIVERSITY),
            (college["name"], college["short_name"], Unit.Kind.COLLEGE),
        ]
        wanted += [(name, short, Unit.Kind.FACULTY) for name, short in faculties.items()]
        missing = [Unit(name=name, short_name=short, kind=kind) for name, short, kind in wanted if name not in existing]
        Unit.objects.bulk_create(missing)
        units = {unit.name: unit for unit in Unit.objects.all()}
        self.university = units[university["name"]]
        self.units = [units[name] for name in faculties] + [units[college["name"]]]

        User = get_user_model()
        prefix = f"seed{self.seed}"
        staff = [
            User(
                username=f"{prefix}-staff-{number}",
                first_name=self.rng.choice(self.names["first_names"]),
                last_name=self.rng.choice(self.names["last_names"]),
                email=f"{prefix}-staff-{number}@university.example",
            )
            for number in range(200)
        ]
        coordinators = [
            User(username=f"{prefix}-coordinator-{number}", email=f"{prefix}-coordinator-{number}@university.example")
            for number in range(len(self.units))
        ]
        User.objects.bulk_create(staff + coordinators, ignore_conflicts=True)
        by_name = {user.username: user for user in User.objects.filter(username__startswith=f"{prefix}-")}
        self.staff_ids = [by_name[user.username].pk for user in staff]
        coordinator_users = [by_name[user.username] for user in coordinators]
        Profile.objects.bulk_create(
            [
                Profile(user=user, unit=self.units[number], language=self.rng.choice(["en", "ru", "kk"]))
                for number, user in enumerate(coordinator_users)
            ]
            + [Profile(user_id=user_id, language=self.rng.choice(["en", "ru", "kk"])) for user_id in self.staff_ids],
            ignore_conflicts=True,
        )
        Group.objects.get(name=roles.COORDINATOR).user_set.add(*coordinator_users)
        Tag.objects.bulk_create([Tag(name=name) for name in self.texts["tags"]], ignore_conflicts=True)
        self.tag_ids = list(Tag.objects.values_list("id", flat=True))
        self.area_ids = list(AreaOfCooperation.objects.values_list("id", flat=True))
        return len(missing) + len(staff) + len(coordinators)

    # -- partners

    def _place(self, country: str) -> tuple[str, str, str, str, str]:
        """(English, Russian, native, Chinese, Korean) names of a city, real or made up."""
        if self.rng.random() < 0.35:
            english, russian, native = self.rng.choice(self.countries[country]["cities"])
            chinese = native if country == "CN" else ""
            korean = native if country == "KR" else ""
            return english, russian, native, chinese, korean
        parts = self.rng.sample(self.names["syllables"], self.rng.choice([2, 2, 3]))
        latin = "".join(part[0] for part in parts).capitalize()
        cyrillic = "".join(part[1] for part in parts).capitalize()
        chinese = "".join(self.rng.choice(self.names["hanzi"]) for _ in parts)
        korean = "".join(self.rng.choice(self.names["hangul"]) for _ in parts)
        native = {"KZ": cyrillic, "RU": cyrillic, "KG": cyrillic, "CN": chinese, "KR": korean}.get(country, latin)
        return latin, cyrillic, native, chinese, korean

    def _partner_names(self, country: str, kind: str) -> tuple[str, str, str, list[tuple[str, str, str]]]:
        """The official name, a short name, the city, and variants (name, language, kind)."""
        english_city, russian_city, native_city, _chinese_city, _korean_city = self._place(country)
        subject = self.rng.choice(self.names["subjects"])
        native_language = self.countries[country]["language"]
        variants: list[tuple[str, str, str]] = []
        universities = self.names["universities"]
        if kind in universities["nouns"]:
            noun = universities["nouns"][kind]
            english = _name(universities["english"], city=english_city, subject=subject.get("en", ""), noun=noun["en"])
            russian = _name(universities["russian"], city=russian_city, subject=subject.get("ru", ""), noun=noun["ru"])
            russian = russian[0].upper() + russian[1:]
            if native_language == "ru":
                native = russian
            elif native_language in universities["native"]:
                # (In China and Korea the native city is the Chinese or Korean one.)
                native = _name(
                    universities["native"][native_language],
                    city=native_city,
                    subject=subject.get(native_language, ""),
                    noun=noun["ru"],
                )
            else:
                native = english
            official = native if native_language in universities["official_in"] and self.rng.random() < 0.5 else english
            for name, language in ((english, "en"), (russian, "ru"), (native, native_language)):
                if name != official:
                    kind_of_variant = InstitutionName.Kind.TRANSLATION
                    variants.append((name, language, kind_of_variant))
            romanised = universities["romanised"]
            if native_language in romanised["languages"] and self.rng.random() < 0.5:
                # Pinyin or romanisation as another spelling of the native name.
                variants.append(
                    (
                        _name(romanised["name"], city=english_city, subject=subject.get("en", "")),
                        "en",
                        InstitutionName.Kind.TRANSLITERATION,
                    )
                )
            if self.rng.random() < 0.08:
                variants.append(
                    (
                        _name(universities["former"], city=english_city, subject=subject.get("en", "")),
                        "en",
                        InstitutionName.Kind.FORMER,
                    )
                )
            if self.rng.random() < 0.05:
                variants.append((english.replace(*universities["misspelling"]), "en", InstitutionName.Kind.MISSPELLING))
        else:
            naming = self.names["kinds"][kind]
            field_name, field_ru = self.rng.choice(naming["fields"]) if "fields" in naming else ("", "")
            word = self.rng.choice(naming["words"]) if "words" in naming else ""
            suffix = self.rng.choice(naming["suffixes"]) if "suffixes" in naming else ""
            official = naming["name"].format(city=english_city, field=field_name, word=word, suffix=suffix)
            for variant_kind in (InstitutionName.Kind.TRANSLATION, InstitutionName.Kind.TRANSLITERATION):
                if variant_kind in naming:
                    russian = naming[variant_kind].format(city=russian_city, field=field_ru, word=word)
                    variants.append((russian, "ru", variant_kind))
        words = [word for word in official.replace("-", " ").split() if word[:1].isalpha() and word[:1].isupper()]
        short = "".join(word[0] for word in words).upper() if len(words) >= 2 and self.rng.random() < 0.6 else ""
        if short and self.rng.random() < 0.5:
            variants.append((short, "en", InstitutionName.Kind.ACRONYM))
            short = ""
        return official, short, english_city, variants

    def seed_partners(self) -> int:
        countries = list(self.countries)
        weights = [country["weight"] for country in self.countries.values()]
        used_names: set[str] = set()
        erasmus_numbers: dict[str, int] = defaultdict(int)
        self.partner_country: list[str] = []
        self.partner_kind: list[str] = []
        self.partner_variants: list[list[tuple[str, str, str]]] = []

        def partner(index: int) -> Institution:
            country = self.rng.choices(countries, weights=weights)[0]
            kind = _weighted(self.rng, KIND_WEIGHTS)
            official, short, city, variants = self._partner_names(country, kind)
            base, number = official, 1
            while official in used_names:
                number += 1
                official = f"{base} ({number})" if kind not in ("university", "college") else f"{base} No. {number}"
            used_names.add(official)
            # One row per name (the constraint): the first language given for it wins.
            by_name = {}
            for name, language, what in variants:
                if name != official:
                    by_name.setdefault(name, (name, language, what))
            variants = list(by_name.values())
            self.partner_country.append(country)
            self.partner_kind.append(kind)
            self.partner_variants.append(variants)
            slug = "".join(ch for ch in city.lower() if ch.isalnum())[:12] or "inst"
            erasmus = ""
            if self.countries[country].get("erasmus") and kind == "university" and self.rng.random() < 0.7:
                erasmus_numbers[slug] += 1
                erasmus = f"{country} {slug.upper()[:8]}{erasmus_numbers[slug]:02d}"
            status = _weighted(self.rng, [("active", 80), ("prospective", 12), ("inactive", 8)])
            return Institution(
                name=official[:255],
                short_name=short[:60],
                kind=kind,
                country=country,
                city=city,
                website=f"https://www.{slug}{index}.example.org" if self.rng.random() < 0.7 else "",
                status=status,
                erasmus_code=erasmus,
                pic=str(900_000_000 + self.seed * 1_000_000 + index) if erasmus or self.rng.random() < 0.1 else "",
                schac_id=f"{slug}{index}-{self.seed}.edu.example" if self.rng.random() < 0.3 else "",
                is_public=self.rng.random() < 0.4,
                notes=self.texts["partners"]["notes"] if self.rng.random() < 0.1 else "",
                latitude=round(self.rng.uniform(-60, 70), 6) if self.rng.random() < 0.5 else None,
                longitude=round(self.rng.uniform(-170, 170), 6) if self.rng.random() < 0.5 else None,
            )

        self.partners = _insert(Institution, (partner(index) for index in range(self.sizes.partners)))
        self.partner_ids = [institution.pk for institution in self.partners]
        self.partner_pick = _Zipf(self.rng, len(self.partner_ids)) if self.partner_ids else None

        # A few colleges and institutes are part of a university of their country.
        universities = defaultdict(list)
        for index, institution in enumerate(self.partners):
            if self.partner_kind[index] == "university":
                universities[self.partner_country[index]].append(institution.pk)
        children = []
        for index, institution in enumerate(self.partners):
            parents = universities[self.partner_country[index]]
            if self.partner_kind[index] in ("college", "research_institute") and parents and self.rng.random() < 0.4:
                institution.parent_id = self.rng.choice(parents)
                children.append(institution)
        Institution.objects.bulk_update(children, ["parent"], batch_size=BATCH_SIZE)
        # Tags on about a third of the partners.
        through = Institution.tags.through
        _insert(
            through,
            (
                through(institution_id=institution.pk, tag_id=tag_id)
                for institution in self.partners
                if self.tag_ids and self.rng.random() < 0.3
                for tag_id in self.rng.sample(self.tag_ids, self.rng.randint(1, min(2, len(self.tag_ids))))
            ),
        )
        return len(self.partners)

    def seed_names(self) -> int:
        def rows() -> Iterator[InstitutionName]:
            for institution, variants in zip(self.partners, self.partner_variants, strict=True):
                for name, language, kind in variants:
                    row = InstitutionName(
                        institution_id=institution.pk,
                        name=name[:255],
                        language=language,
                        kind=kind,
                        used_until=self._day(self.today - datetime.timedelta(days=3650), self.today)
                        if kind == InstitutionName.Kind.FORMER
                        else None,
                    )
                    yield row

        return _insert_count(InstitutionName, rows())

    def refresh_search_text(self) -> int:
        """Institution.search_text by the model's own refresh_search_text(), with the names read
        back in the model's order (prefetched, a query per batch), as a save would build it."""
        count = 0
        institutions = Institution.objects.filter(pk__in=self.partner_ids).only(
            "id", "name", "short_name", "erasmus_code", "pic", "schac_id", *REBUILT_FIELDS
        )
        for batch in _batches(institutions.prefetch_related("names").iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
            for institution in batch:
                institution.refresh_search_text()
            Institution.objects.bulk_update(batch, REBUILT_FIELDS, batch_size=1000)
            count += len(batch)
        return count

    def seed_contacts(self) -> int:
        words = self.texts["contacts"]
        self.contacts_of: dict[int, list[int]] = defaultdict(list)
        rows = []
        for institution_id in self.partner_ids:
            for _number in range(self.rng.choice([0, 1, 1, 1, 2, 2, 3])):
                name = self._person()
                rows.append(
                    Contact(
                        institution_id=institution_id,
                        full_name=name,
                        honorific=self.rng.choice(words["honorifics"]),
                        position=self.rng.choice(words["positions"]),
                        email=f"{name.split()[-1].lower()}.{len(rows)}@partner.example" if name.isascii() else "",
                        languages=self.rng.choice(words["languages"]),
                        is_active=self.rng.random() < 0.9,
                    )
                )
        for contact in _insert(Contact, rows):
            self.contacts_of[contact.institution_id].append(contact.pk)
        return len(rows)

    # -- agreements

    def _agreement(self, number: int, *, status: str, renews: Agreement | None = None) -> Agreement:
        rng = self.rng
        kind = _weighted(
            rng,
            [("mou", 30), ("exchange", 18), ("framework", 10), ("erasmus_iia", 10), ("research", 9),
             ("double_degree", 6), ("moc", 6), ("internship", 6), ("joint_degree", 2), ("two_plus_two", 3)],
        )  # fmt: skip
        unit = rng.choice(self.units)
        fields = {"kind": kind, "status": status, "responsible_unit_id": unit.pk}
        fields["responsible_person_id"] = rng.choice(self.staff_ids) if rng.random() < 0.85 else None
        start = self.today - datetime.timedelta(days=365 * YEARS_BACK)
        if renews is not None:
            signed = renews.expires_on - datetime.timedelta(days=rng.randint(0, 60))
            fields["renews_id"] = renews.pk
        else:
            signed = self._day(start, self.today)
        auto_renews = False
        if status in (Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION):
            signed_on = valid_from = None
            expires = None
        else:
            signed_on = signed
            valid_from = signed + datetime.timedelta(days=rng.choice([0, 0, 0, 7, 30]))
            if status == Agreement.Status.SIGNED and valid_from > self.today:
                valid_from = signed
            roll = rng.random()
            if roll < 0.08 and status == Agreement.Status.SIGNED:
                expires = None  # open-ended
            else:
                expires = valid_from + datetime.timedelta(days=365 * rng.choice([1, 2, 3, 5, 5, 5, 7, 10]))
                auto_renews = status == Agreement.Status.SIGNED and roll < 0.18
            if status == Agreement.Status.RENEWED and expires and expires >= self.today:
                expires = self.today - datetime.timedelta(days=rng.randint(1, 400))
                valid_from = signed_on = min(signed_on, expires - datetime.timedelta(days=365))
        fields.update(signed_on=signed_on, valid_from=valid_from, expires_on=expires, auto_renews=auto_renews)
        if auto_renews:
            fields.update(
                renewal_term_months=rng.choice([12, 12, 24, 36]), renewal_notice_days=rng.choice([30, 60, 90])
            )
        if status == Agreement.Status.TERMINATED:
            upper = min(expires or self.today, self.today)
            fields.update(
                terminated_on=self._day(valid_from, upper) if valid_from and valid_from < upper else upper,
                termination_reason=rng.choice(self.texts["agreements"]["termination_reasons"]),
            )
        if signed_on:
            fields["registration_number"] = f"{kind.upper()[:3]}-{signed_on.year}-{self.seed:02d}{number:07d}"
        label = Agreement.Kind(kind).label
        fields["title"] = f"{label} No. {number + 1}"
        fields["purpose"] = self.texts["agreements"]["purpose"] if rng.random() < 0.3 else ""
        return Agreement(**fields)

    def seed_agreements(self) -> int:
        total = self.sizes.agreements
        successors = total // 20  # one in twenty continues an earlier one
        statuses = [("signed", 72), ("renewed", 0), ("draft", 7), ("negotiation", 9), ("terminated", 5)]
        # The renewed ones are exactly those with a successor.
        firsts = []
        renewed_count = successors
        for number in range(total - successors):
            status = "renewed" if number < renewed_count else _weighted(self.rng, statuses)
            firsts.append(self._agreement(number, status=status))
        self.rng.shuffle(firsts)
        self.agreements = _insert(Agreement, firsts)
        renewed = [agreement for agreement in self.agreements if agreement.status == "renewed"]
        self.agreements += _insert(
            Agreement,
            (
                self._agreement(total - successors + number, status="signed", renews=predecessor)
                for number, predecessor in enumerate(renewed)
            ),
        )
        return len(self.agreements)

    def seed_parties(self) -> int:
        self.agreement_partners: dict[int, list[int]] = {}
        self.party_rows: list[AgreementParty] = []

        def rows() -> Iterator[AgreementParty]:
            previous: dict[int, list[int]] = {}
            for agreement in self.agreements:
                if agreement.renews_id and agreement.renews_id in previous:
                    partners = previous[agreement.renews_id]
                elif self.partner_pick:
                    count = 1 if self.rng.random() < 0.85 else self.rng.randint(2, 4)
                    partners = [self.partner_ids[index] for index in self.partner_pick.sample(count)]
                else:
                    partners = []
                previous[agreement.pk] = partners
                self.agreement_partners[agreement.pk] = partners
                ours = self.university.pk if self.rng.random() < 0.7 else agreement.responsible_unit_id
                yield AgreementParty(agreement_id=agreement.pk, unit_id=ours, order=0)
                for order, partner_id in enumerate(partners, start=1):
                    yield AgreementParty(agreement_id=agreement.pk, institution_id=partner_id, order=order)

        self.party_rows = _insert(AgreementParty, rows())
        return len(self.party_rows)

    def seed_agreement_areas(self) -> int:
        through = Agreement.areas.through
        if not self.area_ids:
            return 0
        return _insert_count(
            through,
            (
                through(agreement_id=agreement.pk, areaofcooperation_id=area_id)
                for agreement in self.agreements
                for area_id in self.rng.sample(self.area_ids, self.rng.choice([0, 1, 1, 2, 2, 3]))
            ),
        )

    def seed_signatories(self) -> int:
        by_pk = {agreement.pk: agreement for agreement in self.agreements}
        rector, vice_rector = self.texts["agreements"]["signatory_positions"]

        def rows() -> Iterator[Signatory]:
            for party in self.party_rows:
                agreement = by_pk[party.agreement_id]
                if agreement.signed_on and self.rng.random() < 0.6:
                    contacts = self.contacts_of.get(party.institution_id, []) if party.institution_id else []
                    yield Signatory(
                        agreement_id=agreement.pk,
                        party_id=party.pk,
                        full_name=self._person(),
                        position=rector if self.rng.random() < 0.6 else vice_rector,
                        contact_id=self.rng.choice(contacts) if contacts and self.rng.random() < 0.5 else None,
                        signed_on=agreement.signed_on,
                    )

        return _insert_count(Signatory, rows())

    def seed_quotas(self) -> int:
        with_quotas = {"exchange", "erasmus_iia", "double_degree", "two_plus_two"}
        categories = [choice for choice, _label in Quota.Category.choices]

        def rows() -> Iterator[Quota]:
            for agreement in self.agreements:
                if agreement.kind not in with_quotas or not agreement.valid_from:
                    continue
                first = agreement.valid_from.year
                last = min((agreement.expires_on or self.today).year, self.today.year + 1)
                years = range(max(first, last - 2), last)
                category = self.rng.choice(categories)
                for year in years:
                    for direction in ("outgoing", "incoming"):
                        yield Quota(
                            agreement_id=agreement.pk,
                            first_academic_year=f"{year}/{year + 1}",
                            last_academic_year=f"{year}/{year + 1}",
                            direction=direction,
                            category=category,
                            places=self.rng.randint(1, 6),
                            total_months=self.rng.choice([5, 10, 20]) if category.startswith("student") else None,
                            total_days=self.rng.choice([5, 10]) if category.startswith("staff") else None,
                            eqf_levels=self.rng.choice([[6], [7], [6, 7], []])
                            if category.startswith("student")
                            else [],
                        )

        return _insert_count(Quota, rows())

    # -- visits

    def seed_visits(self) -> int:
        start = self.today - datetime.timedelta(days=365 * YEARS_BACK)
        ahead = self.today + datetime.timedelta(days=365)
        kinds = [("incoming_delegation", 35), ("outgoing_trip", 25), ("meeting", 12), ("online_meeting", 8),
                 ("signing_ceremony", 6), ("conference", 6), ("campus_tour", 4), ("summer_school", 2), ("job_fair", 2)]  # fmt: skip
        self.visit_partners: dict[int, list[int]] = {}
        words = self.texts["visits"]

        def visit(number: int) -> Visit:
            # Recent years are busier: the start is drawn towards today.
            span = (ahead - start).days
            starts = start + datetime.timedelta(days=int(span * self.rng.random() ** 0.6))
            if starts < self.today:
                status = _weighted(self.rng, [("held", 92), ("cancelled", 5), ("planned", 3)])
            else:
                status = _weighted(self.rng, [("planned", 95), ("cancelled", 5)])
            kind = _weighted(self.rng, kinds)
            return Visit(
                title=f"{Visit.Kind(kind).label} No. {number + 1}",
                kind=kind,
                status=status,
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=self.rng.choice([0, 0, 1, 2, 4])),
                places=self.rng.choice(words["places"]),
                city=self.rng.choice(words["cities"]) if kind != "outgoing_trip" else "",
                host_unit_id=self.rng.choice(self.units).pk,
                responsible_person_id=self.rng.choice(self.staff_ids) if self.rng.random() < 0.9 else None,
                purpose=words["purpose"] if self.rng.random() < 0.4 else "",
                topics=words["topics"] if status == "held" and self.rng.random() < 0.5 else "",
            )

        self.visits = _insert(Visit, (visit(number) for number in range(self.sizes.visits)))
        return len(self.visits)

    def seed_visit_rows(self) -> int:
        """Partners, areas, agreements signed, participants, outcomes, follow-up actions, gifts."""
        partners_through = Visit.partners.through
        areas_through = Visit.areas.through
        country_of = dict(zip(self.partner_ids, self.partner_country, strict=True))
        partner_rows, area_rows, participant_rows, outcome_rows, action_rows, gift_rows = [], [], [], [], [], []
        words = self.texts["visits"]
        changed = []
        for visit in self.visits:
            partners = []
            if self.partner_pick:
                partners = [
                    self.partner_ids[index] for index in self.partner_pick.sample(self.rng.choice([1, 1, 1, 2, 3]))
                ]
            self.visit_partners[visit.pk] = partners
            partner_rows += [partners_through(visit_id=visit.pk, institution_id=partner) for partner in partners]
            if self.area_ids:
                area_rows += [
                    areas_through(visit_id=visit.pk, areaofcooperation_id=area)
                    for area in self.rng.sample(self.area_ids, self.rng.choice([0, 1, 2]))
                ]
            if partners and visit.kind == "outgoing_trip":
                visit.country = country_of[partners[0]]
                changed.append(visit)
            participant_rows.append(
                VisitParticipant(visit_id=visit.pk, side="ours", role="host", user_id=self.rng.choice(self.staff_ids))
            )
            for partner in partners:
                contacts = self.contacts_of.get(partner, [])
                for position, contact in enumerate(self.rng.sample(contacts, min(len(contacts), 2))):
                    participant_rows.append(
                        VisitParticipant(visit_id=visit.pk, side="partner", role="head" if position == 0 else "member",
                                         contact_id=contact)
                    )  # fmt: skip
            if self.rng.random() < 0.3:
                participant_rows.append(
                    VisitParticipant(visit_id=visit.pk, side="partner", role="interpreter", full_name=self._person())
                )
            if visit.status == "held":
                for order in range(self.rng.choice([0, 1, 2, 3])):
                    outcome_rows.append(
                        Outcome(visit_id=visit.pk, order=order, text=self.rng.choice(words["outcomes"]))
                    )
            if visit.status in ("held", "planned") and self.rng.random() < 0.4:
                for _number in range(self.rng.randint(1, 2)):
                    due = visit.ends_on + datetime.timedelta(days=self.rng.randint(7, 90))
                    done = due - datetime.timedelta(days=self.rng.randint(0, 7)) if due < self.today and self.rng.random() < 0.85 else None  # fmt: skip
                    owner = self.rng.choice(self.staff_ids)
                    action_rows.append(FollowUpAction(visit_id=visit.pk, description=words["action"],
                                                      owner_id=owner, due_on=due, done_on=done,
                                                      done_by_id=owner if done else None))  # fmt: skip
            if visit.kind == "incoming_delegation" and self.rng.random() < 0.2:
                gift_rows.append(
                    Gift(visit_id=visit.pk, direction=self.rng.choice(["received", "given"]), **words["gift"])
                )
        Visit.objects.bulk_update(changed, ["country"], batch_size=BATCH_SIZE)
        # Some signing ceremonies signed an agreement of their partner.
        signed_through = Visit.agreements_signed.through
        by_partner = defaultdict(list)
        for agreement in self.agreements:
            for partner in self.agreement_partners.get(agreement.pk, [])[:1]:
                if agreement.signed_on:
                    by_partner[partner].append(agreement.pk)
        signed_rows = [
            signed_through(visit_id=visit.pk, agreement_id=self.rng.choice(by_partner[self.visit_partners[visit.pk][0]]))
            for visit in self.visits
            if visit.kind == "signing_ceremony" and self.visit_partners[visit.pk] and by_partner[self.visit_partners[visit.pk][0]]
        ]  # fmt: skip
        count = 0
        for model, rows in (
            (partners_through, partner_rows),
            (areas_through, area_rows),
            (signed_through, signed_rows),
            (VisitParticipant, participant_rows),
            (Outcome, outcome_rows),
            (FollowUpAction, action_rows),
            (Gift, gift_rows),
        ):
            count += _insert_count(model, rows)
        return count

    # -- mobility

    def seed_programs(self) -> int:
        kinds = [("exchange", 50), ("double_degree", 10), ("summer_school", 10), ("internship", 8),
                 ("staff_teaching", 8), ("staff_training", 6), ("scholarship", 6), ("joint_degree", 2)]  # fmt: skip
        current_start = int(academic_year_of(self.today)[:4])
        self.program_partners: dict[int, list[int]] = {}
        agreements_with_partners = [
            agreement for agreement in self.agreements if self.agreement_partners.get(agreement.pk)
        ]
        pending_partners: list[list[int]] = []
        words = self.texts["programs"]

        def program(number: int) -> Program:
            kind = _weighted(self.rng, kinds)
            year = current_start - int(YEARS_BACK * self.rng.random() ** 0.7) + (1 if self.rng.random() < 0.05 else 0)
            agreement = self.rng.choice(agreements_with_partners) if agreements_with_partners and self.rng.random() < 0.7 else None  # fmt: skip
            if agreement is not None:
                partners = self.agreement_partners[agreement.pk][:3]
            elif self.partner_pick:
                partners = [self.partner_ids[index] for index in self.partner_pick.sample(self.rng.randint(1, 3))]
            else:
                partners = []
            pending_partners.append(partners)
            deadline = datetime.date(year, self.rng.choice([3, 4, 10, 11]), self.rng.randint(1, 28))
            return Program(
                title=f"{Program.Kind(kind).label} {year}/{year + 1} No. {number + 1}",
                kind=kind,
                degree_structure=self.rng.choice(words["degree_structures"]) if kind == "double_degree" else "",
                direction=_weighted(self.rng, [("both", 50), ("outgoing", 35), ("incoming", 15)]),
                agreement_id=agreement.pk if agreement else None,
                unit_id=self.rng.choice(self.units).pk,
                coordinator_id=self.rng.choice(self.staff_ids) if self.rng.random() < 0.8 else None,
                academic_year=f"{year}/{year + 1}",
                places=self.rng.randint(2, 60) if self.rng.random() < 0.8 else None,
                funding_source=self.rng.choice(words["funding_sources"]),
                application_deadline=deadline if self.rng.random() < 0.8 else None,
                nomination_deadline=deadline + datetime.timedelta(days=30) if self.rng.random() < 0.5 else None,
            )

        self.programs = _insert(Program, (program(number) for number in range(self.sizes.program_count)))
        through = Program.partners.through
        rows = []
        for program_row, partners in zip(self.programs, pending_partners, strict=True):
            self.program_partners[program_row.pk] = partners
            rows += [through(program_id=program_row.pk, institution_id=partner) for partner in partners]
        _insert_count(through, rows)
        return len(self.programs)

    def seed_participants(self) -> int:
        programs = [program for program in self.programs if self.program_partners.get(program.pk)]
        if not programs:
            return 0
        current = academic_year_of(self.today)
        past_statuses = [("completed", 70), ("returned", 12), ("withdrawn", 18)]
        open_statuses = [("nominated", 25), ("applied", 25), ("accepted", 20), ("abroad", 22), ("withdrawn", 8)]
        levels = [("bachelor", 60), ("master", 25), ("doctorate", 8), ("foundation", 7)]
        words = self.texts["participants"]

        def participant(number: int) -> Participant:
            program = programs[int(len(programs) * self.rng.random() ** 1.3)]
            staff = program.kind in ("staff_teaching", "staff_training")
            direction = program.direction if program.direction != "both" else self.rng.choice(["outgoing", "incoming"])
            year = int(program.academic_year[:4])
            # The autumn semester, or the spring one of the next calendar year.
            if self.rng.random() < 0.7:
                starts = datetime.date(year, 9, self.rng.randint(1, 25))
            else:
                starts = datetime.date(year + 1, 2, self.rng.randint(1, 25))
            ends = starts + datetime.timedelta(days=self.rng.choice([7, 14, 120, 150, 300]) if not staff else 7)
            if program.academic_year < current:
                status = _weighted(self.rng, past_statuses)
            else:
                status = _weighted(self.rng, open_statuses)
            with_grant = self.rng.random() < 0.3
            name = self._person()
            return Participant(
                program_id=program.pk,
                kind="staff" if staff else "student",
                direction=direction,
                full_name=name,
                email=f"p{self.seed}-{number}@students.example" if self.rng.random() < 0.7 else "",
                unit_id=program.unit_id,
                partner_institution_id=self.rng.choice(self.program_partners[program.pk]),
                field_of_study=self.rng.choice(words["fields_of_study"]),
                level="staff" if staff else _weighted(self.rng, levels),
                quota_category="staff_teaching" if staff else "student_studies",
                starts_on=starts,
                ends_on=ends,
                status=status,
                grant_amount=self.rng.choice([500, 850, 1500, 250000]) if with_grant else None,
                grant_currency=self.rng.choice(words["currencies"]) if with_grant else "",
                documents_due_on=starts - datetime.timedelta(days=30)
                if status in ("nominated", "applied", "accepted")
                else None,
            )

        return _insert_count(Participant, (participant(number) for number in range(self.sizes.participants)), 5000)


def seed_bulk(sizes: Sizes, *, seed: int = 7, today: datetime.date | None = None, log: Callable = None) -> SeedReport:
    return BulkSeeder(sizes, seed=seed, today=today, log=log).run()
