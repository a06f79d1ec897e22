"""Writing the demo data: each record of the specs (cooperation/demo/specs.py, from the files of
data/) found by its natural key and saved only when a value differs, in one transaction."""

import datetime
import importlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone, translation

from agreements.models import Agreement, AgreementParty, AreaOfCooperation, Quota, Signatory, add_months
from cooperation import activity, roles
from cooperation.demo import specs
from cooperation.demo.files import DataFileError
from cooperation.demo.specs import AgreementSpec, AttendeeSpec, ProgramSpec, VisitSpec
from cooperation.lib.academic_years import academic_year_bounds
from cooperation.visits.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import Contact, Institution, InstitutionName, Profile, Tag, Unit

DEFAULT_PASSWORD = "demo"
EMAIL_DOMAIN = "university.example"  # reserved for examples: demo mail can never reach anyone

User = get_user_model()
Kind = Institution.Kind
QUOTA_KINDS = {Agreement.Kind.EXCHANGE, Agreement.Kind.ERASMUS_IIA, Agreement.Kind.DOUBLE_DEGREE}


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
# The loader
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    usernames: tuple[str, ...] = ()  # the demo users, who log in with the password given


def demo_load(*, password: str = DEFAULT_PASSWORD) -> DemoSummary:
    """Load (or bring up to date) the demo data, in one transaction."""
    # modeltranslation writes the base column of a translated field (Unit.name) in the active
    # language: English, whoever runs the command, so the unique unit names never change.
    # What the writes keep (cooperation/activity.py) is computed once, at the end, for every
    # agreement and partner they touched, not again after each of the hundreds of writes.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic(), activity.batched():
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
        },
        usernames=tuple(loader.users),
    )


class _DemoLoader:
    def __init__(self, *, today: datetime.date, password: str):
        self.today = today
        self.password = password
        self.units: dict[str, Unit] = {}
        self.unit_specs = {spec.key: spec for spec in specs.units()}
        self.users: dict[str, User] = {}
        self.partners: dict[str, Institution] = {}
        self.partner_specs = {spec.key: spec for spec in specs.partners()}
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.main_contacts: dict[str, Contact] = {}
        self.agreements: dict[str, Agreement] = {}
        self.areas: dict[str, AreaOfCooperation] = {}
        clashes = set(self.unit_specs) & set(self.partner_specs)
        if clashes:
            # A party or an attendee is named by its key: a key must say whether it is ours.
            raise DataFileError(f"Keys of both a unit and a partner: {', '.join(sorted(clashes))}")

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
        for key, spec in self.unit_specs.items():
            self.units[key] = _upsert(
                Unit,
                {"name_en": spec.name["en"]},
                name_ru=spec.name["ru"],
                name_kk=spec.name["kk"],
                short_name=spec.short_name,
                kind=spec.kind,
                parent=self.units[spec.parent] if spec.parent else None,
                is_active=True,
            )

    def load_users(self) -> None:
        groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
        for spec in specs.users():
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
        tag_names = specs.tag_names()
        coordinates = specs.city_coordinates()
        for spec in self.partner_specs.values():
            for tag in spec.tags:
                if tag not in tags:
                    names = tag_names.get(tag, {})
                    tags[tag] = _upsert(
                        Tag, {"name_en": tag}, name_ru=names.get("ru", tag), name_kk=names.get("kk", tag)
                    )
            latitude, longitude = coordinates.get(spec.city, (None, None))
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
                latitude=_decimal(latitude),
                longitude=_decimal(longitude),
            )
            for variant in spec.names:
                _upsert(
                    InstitutionName,
                    {"institution": institution, "name": variant.name},
                    language=variant.language,
                    kind=variant.kind,
                    used_until=variant.used_until,
                )
            _set_many(institution, "tags", [tags[tag] for tag in spec.tags])
            self.partners[spec.key] = institution

    def load_contacts(self) -> None:
        for partner in self.partner_specs.values():
            for spec in partner.contacts:
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
        invented = specs.invented_contacts()
        for spec in self.partner_specs.values():
            rng = specs.random_for("contact", spec.key)
            full_name = specs.person_name(rng, spec.country)
            position = rng.choice(invented["positions"])
            if not spec.invented_contact or spec.key in self.main_contacts:
                continue
            contact = _upsert(
                Contact,
                {"institution": self.partners[spec.key], "full_name": full_name},
                position=invented["position_by_kind"].get(spec.kind, position),
                honorific=invented["honorific_by_kind"].get(spec.kind, ""),
                languages=invented["languages"],
            )
            self.contacts[(spec.key, full_name)] = contact
            self.main_contacts[spec.key] = contact

    # Agreements -----------------------------------------------------------------------------

    def load_agreements(self) -> None:
        # The number follows the agreement's place in this list, never its dates, so that numbers
        # do not move between agreements from one day to the next (they are unique).
        for number, spec in enumerate(specs.agreements(self.today, list(self.partner_specs.values())), start=1):
            self.agreements[spec.title] = self._agreement(spec, number)

    def _party(self, agreement: Agreement, key: str, order: int) -> AgreementParty:
        if key in self.units:
            lookup = {"agreement": agreement, "unit": self.units[key]}
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
        if spec.kind in QUOTA_KINDS and spec.status not in Agreement.UNSIGNED:  # ever signed
            self._quotas(agreement, spec)
        return agreement

    def _quotas(self, agreement: Agreement, spec: AgreementSpec) -> None:
        """Cooperation conditions over the academic years of the agreement's term (at most four,
        from 2021/2022 on): students both ways, our staff teaching at the partner."""
        start = spec.valid_from or spec.signed_on
        end = spec.expires_on or add_months(start, 60)
        rng = specs.random_for("quotas", spec.title)
        subject_area = self.unit_specs[spec.unit].subjects[0][0]
        years = []
        for first_year in range(max(start.year, 2021), end.year):
            academic_year = f"{first_year}/{first_year + 1}"
            year_start, year_end = academic_year_bounds(academic_year)
            if year_start >= start and year_end <= end:
                years.append(academic_year)
        if not years:
            return
        partners = [party.institution for party in agreement.parties.all() if party.institution_id]
        partner = partners[0] if len(partners) == 1 else None
        span = {"first_academic_year": years[0], "last_academic_year": years[:4][-1]}
        english_b2 = [{"language": "en", "cefr": "B2"}]
        for direction in (Quota.Direction.OUTGOING, Quota.Direction.INCOMING):
            places = rng.randint(2, 6)
            _upsert(
                Quota,
                {"agreement": agreement, "direction": direction, "category": Quota.Category.STUDENT_STUDIES},
                **span,
                partner=partner,
                places=places,
                total_months=Decimal(places * 5),
                total_days=None,
                subject_areas=[subject_area],
                eqf_levels=[6, 7],
                language_skills=english_b2,
            )
        staff_places = rng.randint(1, 2)
        _upsert(
            Quota,
            {"agreement": agreement, "direction": Quota.Direction.OUTGOING, "category": Quota.Category.STAFF_TEACHING},
            **span,
            partner=partner,
            places=staff_places,
            total_months=None,
            total_days=staff_places * 5,
            subject_areas=[subject_area],
            language_skills=english_b2,
        )

    # Visits ---------------------------------------------------------------------------------

    def load_visits(self) -> None:
        for spec in specs.visits(self.today):
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
            institution = self.partners[outcome.partner] if outcome.partner else None
            _upsert(Outcome, {"visit": visit, "order": order}, text=outcome.text, institution=institution)
        for action in spec.actions:
            _upsert(
                FollowUpAction,
                {"visit": visit, "description": action.description},
                owner=self.users[action.owner],
                due_on=action.due_on,
                done_on=action.done_on,
                done_by=self.users[action.owner] if action.done_on else None,
            )
        for gift in spec.gifts:
            _upsert(
                Gift,
                {"visit": visit, "description": gift.description},
                direction=gift.direction,
                counterpart=gift.counterpart,
            )
        return visit

    def _attendee(self, visit: Visit, attendee: AttendeeSpec) -> VisitParticipant:
        if attendee.user:
            lookup = {"visit": visit, "user": self.users[attendee.user], "contact": None}
            side = VisitParticipant.Side.OURS
            full_name = ""
        elif attendee.partner:
            contact = (
                self.contacts[(attendee.partner, attendee.contact)]
                if attendee.contact
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
        self.levels = specs.participant_levels()
        self.other_units = specs.participant_units()
        for spec in specs.programs(self.today):
            self._program(spec)

    def _program(self, spec: ProgramSpec) -> Program:
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
            application_deadline=spec.application_deadline,
            nomination_deadline=spec.nomination_deadline,
            description=spec.description,
        )
        _set_many(program, "partners", [self.partners[key] for key in spec.partners])
        self._participants(program, spec)
        return program

    def _participants(self, program: Program, spec: ProgramSpec) -> None:
        rng = specs.random_for("participants", spec.title, spec.academic_year)
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
            full_name = specs.person_name(rng, country)
            while full_name in names:
                full_name = specs.person_name(rng, country)
            names.add(full_name)
            unit_key = spec.unit if rng.random() < 0.7 else rng.choice(self.other_units)
            isced_code, field_of_study = rng.choice(self.unit_specs[unit_key].subjects)
            month, day, months = spec.stay.month, spec.stay.day, spec.stay.months
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
                level = rng.choice(self.levels)
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


def _decimal(coordinate) -> Decimal | None:
    """A latitude or longitude of partners.yaml, as written there."""
    return None if coordinate is None else Decimal(str(coordinate))
