"""`manage.py load_demo`: the five seed cases in full, what is "soon" relative to today, the demo
users, a second run that changes nothing, and the data files it reads."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest

from agreements.models import Agreement, AgreementParty
from cooperation import roles
from cooperation.demo import demo_load, specs
from cooperation.demo.files import DataFileError, parse, relative_day
from cooperation.models import FollowUpAction, Gift, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import Contact, Institution, Tag, Unit

PASSWORD = "demo-password-for-tests"
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
DOMAIN_APPS = ("partners", "agreements", "mobility", "cooperation")


def dump() -> dict[str, list[tuple]]:
    """Every row of every model of the four apps (history and many-to-many tables included) and
    the users, as values: what "the same data" means."""
    models = [
        model for label in DOMAIN_APPS for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    models += [get_user_model(), get_user_model().groups.through]
    return {
        model._meta.label: list(
            model._default_manager.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in models
    }


@pytest.mark.django_db
def test_loading_twice_leaves_the_same_rows_and_values():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ALMATY), tick=False):
        demo_load(password=PASSWORD)
    first = dump()
    # Later the same day: any row saved again would show a new updated_at or a new history record.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 17, 30, tzinfo=ALMATY), tick=False):
        demo_load(password=PASSWORD)
    second = dump()

    assert {label: len(rows) for label, rows in second.items()} == {label: len(rows) for label, rows in first.items()}
    assert second == first
    assert len(first["agreements.Agreement"]) >= 55
    assert len(first["agreements.HistoricalAgreement"]) >= 55


@pytest.mark.django_db
@pytest.mark.parametrize("today", [datetime.date(2024, 2, 29), datetime.date(2031, 7, 15)])
def test_it_places_what_is_soon_relative_to_today(today):
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(10, 0), tzinfo=ALMATY), tick=False):
        demo_load(password=PASSWORD)

        def expiring(days: int) -> set[int]:
            return set(Agreement.objects.expiring(within=datetime.timedelta(days=days)).values_list("pk", flat=True))

        assert expiring(7)
        assert expiring(30) - expiring(7)
        assert expiring(90) - expiring(30)
        kyrgyz = Agreement.objects.get(title="Student exchange agreement with Kyrgyz State Technical University")
        assert kyrgyz.expires_on == today + datetime.timedelta(days=5)

        upcoming = Visit.objects.upcoming(within=datetime.timedelta(days=7))
        assert upcoming.filter(starts_on__gt=today).exists()
        overdue = FollowUpAction.objects.overdue()
        assert overdue.exists()
        assert all(action.visit.starts_on < today for action in overdue)

        renewing = Agreement.objects.get(auto_renews=True)
        assert today < renewing.notice_deadline() < renewing.current_term_end()
        two_plus_two = Program.objects.get(degree_structure="2+2")
        assert two_plus_two.application_deadline > today
        abroad = Participant.objects.filter(status=Participant.Status.ABROAD)
        assert all(p.starts_on <= today <= p.ends_on for p in abroad)


@pytest.mark.django_db
def test_the_demo_users_log_in_with_the_given_password(client):
    demo_load(password="first-password")
    demo_load(password=PASSWORD)

    for username in ("admin", "staff", "coordinator", "rector"):
        # (django-axes checks every authentication against the request it comes with.)
        assert client.login(request=HttpRequest(), username=username, password=PASSWORD), username
        assert not client.login(request=HttpRequest(), username=username, password="first-password"), username
    users = {user.username: user for user in get_user_model().objects.select_related("profile__unit")}
    assert users["admin"].is_superuser
    assert [group.name for group in users["staff"].groups.all()] == [roles.OFFICE]
    assert [group.name for group in users["coordinator"].groups.all()] == [roles.COORDINATOR]
    assert users["coordinator"].profile.unit.name == "Faculty of Information Technology"
    assert [group.name for group in users["rector"].groups.all()] == [roles.RECTOR]
    assert users["rector"].is_staff and not users["rector"].is_superuser
    assert users["staff"].is_staff and not users["staff"].is_superuser
    languages = {username: users[username].profile.language for username in ("admin", "staff", "coordinator", "rector")}
    assert languages == {"admin": "en", "staff": "ru", "coordinator": "kk", "rector": "ru"}


@pytest.mark.django_db
def test_the_command_loads_and_prints_how_to_log_in():
    output = io.StringIO()
    call_command("load_demo", "--password", "printed-password", stdout=output)
    text = output.getvalue()

    assert f"{settings.SITE_URL}/accounts/login/" in text
    assert "admin, staff, coordinator, rector" in text
    assert "printed-password" in text
    assert Agreement.objects.filter(title__startswith="Memorandum of Cooperation between METU").exists()


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """One load shared by the tests that only read it, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(password=PASSWORD)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded")
class TestTheSeedCases:
    def test_it_makes_every_seed_university_the_home_university(self):
        home = Unit.objects.get(parent=None)
        assert home.name == settings.HOME_INSTITUTION_NAME
        assert home.kind == Unit.Kind.UNIVERSITY
        for name in ("Astana IT University", "Astana International University", "ALT University", "AITU"):
            assert not Institution.objects.search(name).exists(), name

    def test_it_names_every_tag_in_russian_and_kazakh(self):
        tags = {tag.name_en: (tag.name_ru, tag.name_kk) for tag in Tag.objects.all()}
        assert tags["Turkic world"] == ("Тюркский мир", "Түркі әлемі")
        assert all(russian and kazakh for russian, kazakh in tags.values()), tags
        assert set(tags) == set(specs.tag_names()), "every tag a partner carries has its names in tag_names"

    def test_it_loads_the_department_and_its_director(self):
        department = Unit.objects.get(name="Department for International Cooperation")
        assert department.kind == Unit.Kind.OFFICE
        director = get_user_model().objects.get(last_name="Almenova", first_name="Aknar")
        assert director.profile.unit == department
        assert director.profile.position == "Director of the Department of International Cooperation"

    def test_it_loads_the_meeting_with_the_turkish_embassy_and_the_gift(self):
        visit = Visit.objects.get(starts_on=datetime.date(2022, 5, 24))
        people = {p.contact.full_name: p for p in visit.participants.select_related("contact__institution")}
        assert set(people) == {"Abdulmuttalib Cetin", "Sonel Bosnaly", "Gulbanu Duman", "Sadullah Duman"}
        advisor = people["Abdulmuttalib Cetin"]
        assert advisor.role == VisitParticipant.Role.HEAD
        assert advisor.contact.position == "Advisor on Culture and Education"
        assert "Chetin" in advisor.contact.notes
        embassy = advisor.contact.institution
        assert (embassy.name, embassy.kind, embassy.country.code) == (
            "Embassy of Turkey in the Republic of Kazakhstan",
            Institution.Kind.EMBASSY,
            "TR",
        )
        assert people["Sonel Bosnaly"].contact.institution.name == "Nazarbayev University"
        assert people["Gulbanu Duman"].contact.institution.name == "East Kazakhstan State University"
        assert people["Sadullah Duman"].contact.honorific == "Professor"
        assert "Turkey" in visit.topics and "IT companies" in visit.topics

        gift = Gift.objects.get(visit=visit)
        assert gift.direction == Gift.Direction.RECEIVED
        assert "Nihad Sami Banarli" in gift.description and "library" in gift.description

    def test_it_loads_the_business_trip_to_turkey_and_its_agreements(self):
        trip = Visit.objects.get(kind=Visit.Kind.OUTGOING_TRIP, starts_on=datetime.date(2022, 3, 14))
        assert trip.ends_on == datetime.date(2022, 3, 16)
        universities = set(trip.partners.filter(kind=Institution.Kind.UNIVERSITY).values_list("name", flat=True))
        assert universities == {
            "Gazi University",
            "Middle East Technical University",
            "Hacettepe University",
            "Ankara University",
            "Sakarya University",
        }
        companies = trip.partners.filter(kind=Institution.Kind.COMPANY)
        assert companies.count() >= 1
        assert all("Illustrative" in company.notes for company in companies)
        areas = set(trip.areas.values_list("code", flat=True))
        assert {"joint_research", "conferences", "summer_schools", "guest_lectures", "internships"} <= areas
        assert {"student_mobility", "staff_mobility"} <= areas
        signed = trip.agreements_signed.all()
        assert {a.kind for a in signed} == {Agreement.Kind.MOU, Agreement.Kind.INTERNSHIP}
        assert {party.institution.name for a in signed for party in a.parties.exclude(institution=None)} >= universities

    def test_it_finds_hacettepe_by_any_spelling(self):
        assert Institution.objects.filter(name__icontains="hacettepe").count() == 1
        for text in ("Hacetteppe", "hacettepe", "Hacettepe Üniversitesi", "Университет Хаджеттепе"):
            assert list(Institution.objects.search(text).values_list("name", flat=True)) == ["Hacettepe University"]
        assert Institution.objects.search("METU").filter(name="Middle East Technical University").exists()

    def test_it_loads_the_metu_memorandum_with_six_parties_and_signatories(self):
        memorandum = Agreement.objects.get(kind=Agreement.Kind.MOC, signed_on=datetime.date(2025, 2, 4))
        parties = list(memorandum.parties.select_related("unit__parent", "institution"))
        assert [str(party.unit or party.institution.short_name or party.institution.name) for party in parties] == [
            "METU",
            "METU College",
            "ATK",
            "ASTK",
            "Almaty Polytechnic College",
            "KITIG",
        ]
        home, college = parties[0].unit, parties[1].unit
        assert home.kind == Unit.Kind.UNIVERSITY and home.name == settings.HOME_INSTITUTION_NAME
        assert college.kind == Unit.Kind.COLLEGE and college.parent == home
        assert all(party.institution.kind == Institution.Kind.COLLEGE for party in parties[2:])

        signatories = [(s.full_name, s.position, s.party_id, s.signed_on) for s in memorandum.signatories.all()]
        assert [(name, position) for name, position, _, _ in signatories] == [
            ("Sarsenbekova G.A.", "Rector"),
            ("Shalabayeva M.H.", "Director"),
            ("Karagulov E.S.", "Director"),
            ("Akhmetov B.S.", "Director"),
            ("Omarbekov M.A.", "Director"),
            ("Zhabykbaev N.J.", "Director"),
        ]
        assert [party for _, _, party, _ in signatories] == [party.pk for party in parties]
        assert {day for _, _, _, day in signatories} == {datetime.date(2025, 2, 4)}
        assert "long-term partnerships" in memorandum.purpose
        assert {"joint_programs", "internships", "joint_research", "innovation_projects", "career_promotion"} <= set(
            memorandum.areas.values_list("code", flat=True)
        )
        ceremony = memorandum.signing_visits.get()
        assert ceremony.kind == Visit.Kind.SIGNING_CEREMONY
        assert ceremony.starts_on == datetime.date(2025, 2, 4)
        assert ceremony.outcomes.exists()

    def test_it_loads_the_chinese_delegation_with_its_head(self):
        visit = Visit.objects.get(kind=Visit.Kind.INCOMING_DELEGATION, starts_on=datetime.date(2025, 9, 25))
        guests = visit.participants.filter(side=VisitParticipant.Side.PARTNER).select_related("contact__institution")
        assert {(p.contact.full_name, p.contact.position) for p in guests} == {
            ("Xia Jianhui", "Deputy Director of the Study Abroad Center"),
            ("Ma Yun", "Director of the Inbound Programs Department"),
            ("Wang Shan", "Project Manager of the Study Abroad Center"),
        }
        assert guests.get(role=VisitParticipant.Role.HEAD).contact.full_name == "Xia Jianhui"
        center = Contact.objects.get(full_name="Xia Jianhui").institution
        assert center.kind == Institution.Kind.GOVERNMENT
        assert center.parent.name == "Ministry of Education of the People's Republic of China"
        assert set(visit.areas.values_list("code", flat=True)) >= {
            "diploma_recognition",
            "double_degree",
            "student_mobility",
            "job_fairs",
            "foundation_programs",
        }
        assert visit.outcomes.count() == 4

        program = Program.objects.get(degree_structure="2+2")
        assert program.kind == Program.Kind.DOUBLE_DEGREE
        assert list(program.partners.all()) == [center]

    def test_it_finds_urumqi_by_russian_and_chinese_names(self):
        for text in ("Урумчи", "乌鲁木齐", "urumqi vocational"):
            assert list(Institution.objects.search(text).values_list("name", flat=True)) == [
                "Urumqi Vocational University"
            ]
        workshop = AgreementParty.objects.get(institution__name="Urumqi Vocational University").agreement
        assert workshop.kind == Agreement.Kind.RESEARCH
        assert "Silk Road (Jing Shi school)" in workshop.title and "2023" in workshop.notes

    def test_it_loads_the_ambassadors_visit_and_the_sco_project(self):
        ambassador = Contact.objects.get(full_name="Han Chunlin")
        assert "Хань Чуньлин" in ambassador.notes
        visit = ambassador.visits_attended.get().visit
        assert visit.kind == Visit.Kind.CAMPUS_TOUR
        consulate = visit.partners.get(kind=Institution.Kind.CONSULATE)
        assert consulate.parent == ambassador.institution
        assert ambassador.institution.kind == Institution.Kind.EMBASSY

        sco = Institution.objects.search("ШОС").get()
        assert (sco.short_name, sco.kind) == ("SCO", Institution.Kind.INTERNATIONAL_ORGANISATION)
        assert AgreementParty.objects.filter(institution=sco, agreement__title__contains="Luban Workshop").exists()

    def test_it_has_every_stage_of_an_agreements_life(self):
        assert set(Agreement.objects.values_list("kind", flat=True)) == set(Agreement.Kind.values)
        assert set(Agreement.objects.values_list("status", flat=True)) == set(Agreement.Status.values)
        latest = Agreement.objects.get(title="Student and staff exchange agreement with KAIST, 2023–2028")
        chain = latest.renewal_chain()
        assert len(chain) == 3
        assert [a.status for a in chain[:-1]] == [Agreement.Status.RENEWED] * 2
        assert chain[0].renewal_chain() == chain
        terminated = Agreement.objects.filter(status=Agreement.Status.TERMINATED)
        assert terminated.exists() and all(a.termination_reason and a.terminated_on for a in terminated)
        assert Agreement.objects.filter(status=Agreement.Status.SIGNED, expires_on=None).exists()
        assert Agreement.objects.filter(auto_renews=True, renewal_notice_days__gt=0).exists()
        assert Agreement.objects.filter(quotas__isnull=False).distinct().count() >= 5
        assert Agreement.objects.filter(signed_on__year=2012).exists()

    def test_the_surroundings_fill_every_page(self):
        assert Institution.objects.count() >= 40
        assert Institution.objects.values("country").distinct().count() >= 15
        assert Agreement.objects.count() >= 55
        assert Visit.objects.count() >= 30
        assert set(Visit.objects.values_list("kind", flat=True)) == set(Visit.Kind.values)
        assert Program.objects.count() >= 8
        assert Program.objects.values("academic_year").distinct().count() >= 4
        participants = Participant.objects.all()
        assert participants.count() >= 140
        assert {(p.kind, p.direction) for p in participants} == {
            ("student", "outgoing"),
            ("student", "incoming"),
            ("staff", "outgoing"),
            ("staff", "incoming"),
        }
        assert {"KZT", "EUR", "USD", "CNY"} <= set(participants.values_list("grant_currency", flat=True))
        assert len(set(participants.values_list("status", flat=True))) >= 6

    def test_every_loaded_record_is_valid(self):
        for label in DOMAIN_APPS:
            for model in apps.get_app_config(label).get_models():
                if model._meta.label in ("cooperation.ReminderPolicy",) or model.__name__.startswith("Historical"):
                    continue
                for obj in model._default_manager.all():
                    obj.full_clean()


# The data files ------------------------------------------------------------------------------


def test_a_data_file_refuses_a_key_given_twice():
    with pytest.raises(DataFileError, match="'name' is given twice"):
        parse("gazi:\n  name: Gazi University\n  country: TR\n  name: Gazi Üniversitesi\n")


def test_a_data_file_reads_codes_as_text_and_only_true_and_false_as_booleans():
    data = parse("country: NO\nlanguage: no\nswitch: on\nyes: y\nis_staff: true\nis_public: false\n")
    assert data == {"country": "NO", "language": "no", "switch": "on", "yes": "y", "is_staff": True, "is_public": False}


def test_a_record_merged_from_another_overrides_only_what_it_gives():
    data = parse("- &memorandum {kind: mou, title: A, person: almenova}\n- <<: *memorandum\n  title: B\n")
    assert data == [
        {"kind": "mou", "title": "A", "person": "almenova"},
        {"kind": "mou", "title": "B", "person": "almenova"},
    ]


def test_days_are_written_as_days_or_relative_to_today():
    today = datetime.date(2026, 3, 31)
    assert relative_day(datetime.date(2022, 3, 14), today) == datetime.date(2022, 3, 14)
    assert relative_day(None, today) is None
    assert relative_day({"days": 5}, today) == datetime.date(2026, 4, 5)
    assert relative_day({"days": -31}, today) == datetime.date(2026, 2, 28)
    # Months after days, keeping the day of the month or taking the month's last.
    assert relative_day({"days": 0, "months": -1}, today) == datetime.date(2026, 2, 28)
    assert relative_day({"days": 1, "months": -60}, today) == datetime.date(2021, 4, 1)
    for wrong in ("2022-03-14", {"day": 5}, {"days": 5, "years": 1}):
        with pytest.raises(DataFileError):
            relative_day(wrong, today)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"webiste": "https://gazi.edu.tr"}, "partners.yaml, gazi: unknown key webiste"),
        ({"kind": "univresity"}, "partners.yaml, gazi: ValueError: 'univresity' is not a valid"),
        ({"names": [{"name": "Gazi Üniversitesi", "language": "tr", "kind": "translaton"}]}, "partners.yaml, gazi"),
    ],
)
def test_a_mistake_in_a_data_file_names_the_record(monkeypatch, entry, message):
    gazi = {"name": "Gazi University", "country": "TR", "city": "Ankara", **entry}
    monkeypatch.setattr(specs, "read", lambda name: {"partners": {"gazi": gazi}})
    with pytest.raises(DataFileError, match=message):
        specs.partners()


def test_the_data_files_name_only_units_partners_users_and_agreements_that_exist():
    today = datetime.date(2026, 3, 2)
    units = {spec.key: spec for spec in specs.units()}
    partners = {spec.key: spec for spec in specs.partners()}
    usernames = {spec.username for spec in specs.users()}
    agreements = specs.agreements(today, list(partners.values()))
    titles = [spec.title for spec in agreements]
    visits, programs = specs.visits(today), specs.programs(today)

    assert not set(units) & set(partners)
    assert len(set(titles)) == len(titles)
    assert {spec.parent for spec in [*units.values(), *partners.values()] if spec.parent} <= set(units) | set(partners)
    assert {spec.unit for spec in specs.users() if spec.unit} <= set(units)
    for spec in agreements:
        assert spec.unit in units and spec.person in usernames and set(spec.parties) <= set(units) | set(partners)
        assert {signatory.party for signatory in spec.signatories} <= set(spec.parties)
        assert not spec.renews or titles.index(spec.renews) < titles.index(spec.title)
    for spec in visits:
        assert spec.host in units and spec.person in usernames and set(spec.partners) <= set(partners)
        assert set(spec.agreements_signed) <= set(titles)
        assert {outcome.partner for outcome in spec.outcomes if outcome.partner} <= set(spec.partners)
    for spec in programs:
        assert spec.unit in units and spec.coordinator in usernames and set(spec.partners) <= set(partners)
        assert not spec.agreement or spec.agreement in titles
