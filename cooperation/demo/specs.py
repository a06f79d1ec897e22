"""The demo data as records to load: the files of data/ read into specs, the days relative to
today resolved, and the generated records (invented people's names, agreements from 2012 on)
drawn from a fixed random seed, so that every run gives the same.

A spec's fields are the keys its file may use (an unknown key is an error, as is an unknown
kind, status or role); the files' headers say what each means.
"""

import dataclasses
import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from agreements.models import Agreement, add_months
from cooperation import roles
from cooperation.demo.files import DataFileError, read, relative_day
from cooperation.visits.models import Gift, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import Institution, InstitutionName, Unit

RANDOM_SEED = 20250204  # the day the METU memorandum was signed; any fixed value would do
HOME = "university"  # the key of the home university, whose name is settings.HOME_INSTITUTION_NAME
ROLES = {"office": roles.OFFICE, "coordinator": roles.COORDINATOR, "rector": roles.RECTOR}

Kind = Institution.Kind
AgreementKind = Agreement.Kind


def random_for(*parts) -> random.Random:
    """A generator of its own for each generated thing (seeded by its name: string seeds are stable
    across processes), so that adding a partner or a program never reshuffles the others."""
    return random.Random(":".join(str(part) for part in (RANDOM_SEED, *parts)))


@contextmanager
def _record(where: str):
    """Errors in one record of a file name the record."""
    try:
        yield
    except DataFileError as error:
        raise DataFileError(f"{where}: {error}") from error
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(f"{where}: {type(error).__name__}: {error}") from error


def _spec(cls, entry: dict, **values):
    """cls from one record of a file: its keys as they are, except those converted in `values`."""
    unknown = set(entry) - {spec_field.name for spec_field in dataclasses.fields(cls)}
    if unknown:
        raise DataFileError(f"unknown key {', '.join(sorted(unknown))} (a {cls.__name__} has no such field)")
    return cls(**{**entry, **values})


# ---------------------------------------------------------------------------------------------
# Our university
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: dict  # {en, ru, kk}
    kind: str
    short_name: str = ""
    parent: str | None = None
    # Subject areas (ISCED-F 2013): (code, name), for quotas and participants.
    subjects: tuple[tuple[str, str], ...] = ()


def _subjects(subjects: dict):
    for code, name in subjects.items():
        if not isinstance(code, str):  # 0613 unquoted would be read as a number (octal, even)
            raise DataFileError(f"the ISCED code {code!r} must be quoted: '0613'")
        yield code, name


def units() -> list[UnitSpec]:
    specs = []
    for key, entry in read("units.yaml").items():
        with _record(f"units.yaml, {key}"):
            entry = dict(entry)
            if key == HOME:
                home = settings.HOME_INSTITUTION_NAME
                translations = entry.pop("translations", {}).get(home, {})
                entry["name"] = {"en": home, "ru": translations.get("ru", home), "kk": translations.get("kk", home)}
            specs.append(
                _spec(
                    UnitSpec,
                    entry,
                    key=key,
                    kind=Unit.Kind(entry["kind"]),
                    subjects=tuple(_subjects(entry.get("subjects", {}))),
                )
            )
    return specs


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    position: str
    language: str
    role: str | None = None  # the group: office, coordinator or rector
    unit: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


def users() -> list[UserSpec]:
    specs = []
    for username, entry in read("users.yaml").items():
        with _record(f"users.yaml, {username}"):
            role = entry.get("role")
            specs.append(_spec(UserSpec, entry, username=username, role=ROLES[role] if role else None))
    return specs


# ---------------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameSpec:
    name: str
    language: str
    kind: str = InstitutionName.Kind.TRANSLATION
    used_until: datetime.date | None = None


@dataclass(frozen=True)
class ContactSpec:
    partner: str
    full_name: str
    position: str
    honorific: str = ""
    languages: str = ""
    notes: str = ""


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
    names: tuple[NameSpec, ...] = ()
    tags: tuple[str, ...] = ()
    schac_id: str = ""
    erasmus_code: str = ""
    notes: str = ""
    # The people the seeds name there; someone is invented where they name nobody, unless
    # invented_contact is false.
    contacts: tuple[ContactSpec, ...] = ()
    invented_contact: bool = True


def partners() -> list[PartnerSpec]:
    specs = []
    for key, entry in read("partners.yaml")["partners"].items():
        with _record(f"partners.yaml, {key}"):
            specs.append(
                _spec(
                    PartnerSpec,
                    entry,
                    key=key,
                    kind=Kind(entry.get("kind", Kind.UNIVERSITY)),
                    status=Institution.Status(entry.get("status", Institution.Status.ACTIVE)),
                    names=tuple(
                        _spec(NameSpec, name, kind=InstitutionName.Kind(name.get("kind", NameSpec.kind)))
                        for name in entry.get("names", ())
                    ),
                    tags=tuple(entry.get("tags", ())),
                    contacts=tuple(_spec(ContactSpec, contact, partner=key) for contact in entry.get("contacts", ())),
                )
            )
    return specs


def tag_names() -> dict[str, dict[str, str]]:
    """Each tag's name in Russian and Kazakh, by its English name."""
    return read("partners.yaml")["tag_names"]


def city_coordinates() -> dict[str, tuple[float, float]]:
    return read("partners.yaml")["cities"]


def invented_contacts() -> dict:
    """What an invented contact's position, honorific and languages are."""
    return read("partners.yaml")["invented_contacts"]


def person_name(rng: random.Random, country: str) -> str:
    """An invented person of that country (people.yaml), a woman or a man."""
    people = read("people.yaml")
    names = people["names"].get(country) or people["names"][people["default_country"]]
    is_woman = rng.random() < 0.5
    given = rng.choice(names["women"] if is_woman else names["men"])
    surname = rng.choice(names["surnames"])
    if "|" in surname:
        surname = surname.split("|")[1 if is_woman else 0]
    elif is_woman and country in people["feminine_with_a"] and surname.endswith(("ov", "ev", "in")):
        surname += "a"
    return f"{surname} {given}" if country in people["surname_first"] else f"{given} {surname}"


# ---------------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatorySpec:
    party: str  # a unit's key or a partner's key, one of the agreement's parties
    full_name: str = ""
    position: str = ""
    contact: bool = False  # the partner's contact of that name signs (with no name: its main contact)


@dataclass(frozen=True)
class AgreementSpec:
    title: str
    kind: str
    unit: str
    # Signing parties in order: units' keys for our side, partners' keys for theirs.
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


def _signatory(entry: dict) -> SignatorySpec:
    """{party, full_name, position} for someone without a contact record, {party, contact, position}
    for the partner's contact of that name."""
    if "contact" in entry:
        entry = {**entry, "full_name": entry["contact"], "contact": True}
    return _spec(SignatorySpec, entry)


def agreements(today: datetime.date, partner_specs: list[PartnerSpec]) -> list[AgreementSpec]:
    """Every agreement in the order of their numbers: those written out, then the generated ones."""
    specs = []
    for number, entry in enumerate(read("agreements.yaml")["agreements"], start=1):
        with _record(f"agreements.yaml, agreement {number} ({entry.get('title', 'no title')})"):
            specs.append(
                _spec(
                    AgreementSpec,
                    entry,
                    kind=AgreementKind(entry["kind"]),
                    status=Agreement.Status(entry.get("status", AgreementSpec.status)),
                    parties=tuple(entry["parties"]),
                    areas=tuple(entry.get("areas", ())),
                    signatories=tuple(_signatory(signatory) for signatory in entry.get("signatories", ())),
                    **{
                        name: relative_day(entry.get(name), today)
                        for name in ("signed_on", "valid_from", "expires_on", "terminated_on")
                    },
                )
            )
    with _record("agreements.yaml, generated"):
        specs += generated_agreements(partner_specs, {spec.title for spec in specs})
    return specs


def generated_agreements(partner_specs: list[PartnerSpec], taken_titles: set[str]) -> list[AgreementSpec]:
    """Agreements with fixed dates from 2012 on, from the fixed random seed: the same every run."""
    data = read("agreements.yaml")["generated"]
    by_kind = {AgreementKind(kind): entry for kind, entry in data["kinds"].items()}
    left_out = set(data.get("left_out", ()))
    partner_specs = [spec for spec in partner_specs if spec.key not in left_out]
    academic = [spec for spec in partner_specs if spec.kind in (Kind.UNIVERSITY, Kind.COLLEGE)]
    pools = {
        # Erasmus+ agreements are made with universities of programme countries only.
        AgreementKind.ERASMUS_IIA: [spec for spec in academic if spec.country in data["erasmus_countries"]],
        AgreementKind.INTERNSHIP: [spec for spec in partner_specs if spec.kind in (Kind.COMPANY, Kind.COLLEGE)],
    }
    drafts, negotiations, terminated = set(data["drafts"]), set(data["negotiations"]), set(data["terminated"])
    first_year, last_year = data["signed_between"]
    rng = random_for("agreements")
    # Each used once, in an order the seeded generator shuffles: every kind is there, whatever the seed.
    kinds = [kind for kind, entry in by_kind.items() for _ in range(entry["count"])]
    rng.shuffle(kinds)
    specs = []
    for index, kind in enumerate(kinds):
        while True:
            partner = rng.choice(pools.get(kind, academic))
            year = rng.randint(first_year, last_year)
            signed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            term_years = rng.choice(data["term_years"])
            unit = rng.choice(data["units"])
            draft = index in drafts or index in negotiations
            suffix = "draft" if index in drafts else "under negotiation" if draft else str(year)
            title = f"{by_kind[kind]['title']} with {partner.name} ({suffix})"
            if title not in taken_titles:
                break
        taken_titles.add(title)
        areas = tuple(by_kind[kind]["areas"]) + tuple(rng.sample(data["extra_areas"], k=1))
        common = {
            "title": title,
            "kind": kind,
            "unit": unit,
            "parties": (HOME, partner.key),
            "areas": tuple(dict.fromkeys(areas)),
            "purpose": by_kind[kind]["purpose"],
            "person": "coordinator" if unit == "fit" else "staff",
        }
        if index in drafts:
            specs.append(AgreementSpec(status=Agreement.Status.DRAFT, **common))
            continue
        if index in negotiations:
            specs.append(AgreementSpec(status=Agreement.Status.NEGOTIATION, **common))
            continue
        expires = add_months(signed, 12 * term_years) if term_years else None
        signatories = (SignatorySpec(partner.key, contact=True),)
        if kind == AgreementKind.ERASMUS_IIA:
            signatories = (SignatorySpec(HOME, **data["erasmus_signatory"]), *signatories)
        if index in terminated:
            specs.append(
                AgreementSpec(
                    status=Agreement.Status.TERMINATED,
                    signed_on=signed,
                    expires_on=expires or add_months(signed, 60),
                    terminated_on=add_months(signed, 24),
                    termination_reason=data["termination_reason"],
                    signatories=signatories,
                    **common,
                )
            )
            continue
        specs.append(AgreementSpec(signed_on=signed, expires_on=expires, signatories=signatories, **common))
    return specs


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeSpec:
    role: str
    user: str = ""  # one of ours with an account
    partner: str = ""  # with contact: that contact of the partner; alone: the partner's main contact
    contact: str = ""
    full_name: str = ""  # someone with neither an account nor a contact record...
    position: str = ""
    side: str = VisitParticipant.Side.OURS  # ... on this side


@dataclass(frozen=True)
class OutcomeSpec:
    text: str
    partner: str = ""  # the partner the point concerns, if it concerns one


@dataclass(frozen=True)
class ActionSpec:
    description: str
    owner: str
    due_on: datetime.date
    done_on: datetime.date | None = None


@dataclass(frozen=True)
class GiftSpec:
    direction: str
    description: str
    counterpart: str  # from whom, or to whom


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
    outcomes: tuple[OutcomeSpec, ...] = ()
    attendees: tuple[AttendeeSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    gifts: tuple[GiftSpec, ...] = ()
    agreements_signed: tuple[str, ...] = ()  # titles
    person: str = "staff"
    notes: str = ""


def _outcome(entry) -> OutcomeSpec:
    """A text for a point of the whole visit, {partner, text} for one partner's."""
    return OutcomeSpec(entry) if isinstance(entry, str) else _spec(OutcomeSpec, entry)


def _lines(text: str | list) -> str:
    """A text, or a list of lines."""
    return "\n".join(text) if isinstance(text, list) else text


def visits(today: datetime.date) -> list[VisitSpec]:
    specs = []
    for number, entry in enumerate(read("visits.yaml"), start=1):
        with _record(f"visits.yaml, visit {number} ({entry.get('title', 'no title')})"):
            specs.append(
                _spec(
                    VisitSpec,
                    entry,
                    kind=Visit.Kind(entry["kind"]),
                    starts_on=relative_day(entry["starts_on"], today),
                    ends_on=relative_day(entry.get("ends_on"), today),
                    status=Visit.Status(entry["status"]) if entry.get("status") else "",
                    partners=tuple(entry.get("partners", ())),
                    areas=tuple(entry.get("areas", ())),
                    topics=_lines(entry.get("topics", "")),
                    outcomes=tuple(_outcome(outcome) for outcome in entry.get("outcomes", ())),
                    attendees=tuple(
                        _spec(
                            AttendeeSpec,
                            attendee,
                            role=VisitParticipant.Role(attendee["role"]),
                            side=VisitParticipant.Side(attendee.get("side", AttendeeSpec.side)),
                        )
                        for attendee in entry.get("attendees", ())
                    ),
                    actions=tuple(
                        _spec(
                            ActionSpec,
                            action,
                            due_on=relative_day(action["due_on"], today),
                            done_on=relative_day(action.get("done_on"), today),
                        )
                        for action in entry.get("actions", ())
                    ),
                    gifts=tuple(
                        _spec(GiftSpec, gift, direction=Gift.Direction(gift["direction"]))
                        for gift in entry.get("gifts", ())
                    ),
                    agreements_signed=tuple(entry.get("agreements_signed", ())),
                )
            )
    return specs


# ---------------------------------------------------------------------------------------------
# Mobility
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaySpec:
    """When participants go, within the academic year: from the day (plus up to ten days), for so
    many months (0: a short stay, five days for staff and twenty for students)."""

    month: int = 9
    day: int = 1
    months: int = 5


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
    application_deadline: datetime.date | None = None
    nomination_deadline: datetime.date | None = None
    participants: int = 0  # how many to invent
    places: int | None = None
    agreement: str = ""  # its title
    degree_structure: str = ""
    participant_kind: str = Participant.Kind.STUDENT
    description: str = ""
    stay: StaySpec = StaySpec()
    grant_range: tuple[int, int] = (0, 0)  # in the currency; (0, 0) for none
    coordinator: str = "staff"


def programs(today: datetime.date) -> list[ProgramSpec]:
    specs = []
    for number, entry in enumerate(read("programs.yaml")["programs"], start=1):
        with _record(f"programs.yaml, program {number} ({entry.get('title', 'no title')})"):
            specs.append(
                _spec(
                    ProgramSpec,
                    entry,
                    kind=Program.Kind(entry["kind"]),
                    direction=Program.ProgramDirection(entry["direction"]),
                    partners=tuple(entry["partners"]),
                    participant_kind=Participant.Kind(entry.get("participant_kind", ProgramSpec.participant_kind)),
                    application_deadline=relative_day(entry.get("application_deadline"), today),
                    nomination_deadline=relative_day(entry.get("nomination_deadline"), today),
                    stay=_spec(StaySpec, entry.get("stay", {})),
                    grant_range=tuple(entry.get("grant_range", ProgramSpec.grant_range)),
                )
            )
    return specs


def participant_levels() -> list[str]:
    """The levels invented students are drawn from, each as often as its weight says."""
    levels = read("programs.yaml")["participants"]["levels"]
    return [Participant.Level(level) for level, weight in levels.items() for _ in range(weight)]


def participant_units() -> list[str]:
    """The units a participant may come from when not the program's own."""
    return read("programs.yaml")["participants"]["other_units"]
