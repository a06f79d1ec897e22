"""The rules of agreements/models.py that the other model tests leave unsaid, each stated once:
the state in words (in English and in Russian, whose catalogue is looked up by the wording's
context), the checks of an agreement, a signatory and a cooperation condition with their exact
messages, the search by title, registration number and partner, and the boundaries of the
state filter and of the dormant rule. The mutation run of `agreements` (docs/TESTING.md) runs
these; each test names the rule it holds."""

import datetime
import hashlib
import re
import uuid
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    DocumentVersion,
    IiaApproval,
    Quota,
    Signatory,
    _document_path,
    new_iia_id,
    validate_iia_hash,
)
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    UnitFactory,
)

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


def frozen_at(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=ALMATY), tick=False)


@pytest.fixture
def today(db):
    with frozen_at(TODAY):
        yield TODAY


def expiring_in(days: int, **fields) -> Agreement:
    return AgreementFactory(
        signed_on=TODAY - 100 * DAY, valid_from=TODAY - 100 * DAY, expires_on=TODAY + days * DAY, **fields
    )


# The state in words


@pytest.mark.parametrize(
    ("fields", "english", "russian"),
    [
        ({"status": Agreement.Status.DRAFT}, "Draft", "Проект"),
        ({"status": Agreement.Status.NEGOTIATION}, "Under negotiation", "На согласовании"),
        ({"status": Agreement.Status.RENEWED}, "Renewed", "Продлено"),
        (
            {"status": Agreement.Status.TERMINATED, "terminated_on": TODAY, "termination_reason": "Closed."},
            "Terminated",
            "Расторгнуто",
        ),
        ({"valid_from": TODAY + DAY, "expires_on": TODAY + 400 * DAY}, "Not yet in force", "Ещё не вступило в силу"),
        ({"expires_on": TODAY - DAY}, "Expired", "Истекло"),
        ({"expires_on": TODAY + 91 * DAY}, "Active", "Активный"),
        ({"expires_on": None}, "Active", "Активный"),
    ],
)
def test_the_state_in_words_is_the_states_name_in_the_users_language_unless_it_is_expiring(
    today, fields, english, russian
):
    agreement = AgreementFactory(**{"signed_on": TODAY - 100 * DAY, "valid_from": TODAY - 100 * DAY, **fields})
    assert agreement.state_text() == english
    with translation.override("ru"):
        assert agreement.state_text() == russian


@pytest.mark.parametrize(
    ("days", "english", "russian"),
    [
        (0, "Expires today", "Истекает сегодня"),
        (1, "Expiring in 1 day", "Истекает через 1 день"),
        (2, "Expiring in 2 days", "Истекает через 2 дня"),
        (5, "Expiring in 5 days", "Истекает через 5 дней"),
        (90, "Expiring in 90 days", "Истекает через 90 дней"),
    ],
)
def test_an_expiring_agreement_says_how_many_days_are_left_and_on_its_last_day_that_it_expires_today(
    today, days, english, russian
):
    agreement = expiring_in(days)
    assert agreement.state_text() == english
    with translation.override("ru"):
        assert agreement.state_text() == russian


def test_the_state_in_words_is_that_of_the_day_asked_not_of_today(today):
    agreement = expiring_in(200)
    assert agreement.state_text(on=TODAY + 190 * DAY) == "Expiring in 10 days"
    assert agreement.state_text(on=TODAY + 200 * DAY) == "Expires today"
    assert agreement.state_text(on=TODAY + 201 * DAY) == "Expired"
    assert agreement.state_text() == "Active"


def test_the_state_is_that_of_the_day_asked_not_of_today(today):
    pending = AgreementFactory(signed_on=TODAY, valid_from=TODAY + 10 * DAY, expires_on=TODAY + 400 * DAY)
    assert pending.state() == Agreement.State.PENDING
    assert pending.state(on=TODAY + 10 * DAY) == Agreement.State.ACTIVE  # in force from its first day
    assert pending.state(on=TODAY + 9 * DAY) == Agreement.State.PENDING


def test_an_agreement_renewing_automatically_is_active_even_in_the_last_days_of_a_term(today):
    agreement = AgreementFactory(
        signed_on=TODAY - 400 * DAY,
        valid_from=TODAY - 400 * DAY,
        expires_on=TODAY + 5 * DAY,
        auto_renews=True,
        renewal_term_months=12,
    )
    assert agreement.state() == Agreement.State.ACTIVE
    assert agreement.state_text() == "Active"
    assert agreement.days_left() == 5


def test_the_days_left_are_counted_from_the_day_asked(today):
    agreement = expiring_in(30)
    assert agreement.days_left() == 30
    assert agreement.days_left(on=TODAY + 10 * DAY) == 20
    assert agreement.days_left(on=TODAY + 31 * DAY) == -1


def test_the_days_left_of_a_renewing_agreement_run_to_the_end_of_the_term_of_the_day_asked(today):
    agreement = AgreementFactory(
        signed_on=TODAY - 400 * DAY,
        valid_from=TODAY - 400 * DAY,
        expires_on=datetime.date(2026, 6, 6),
        auto_renews=True,
        renewal_term_months=12,
    )
    assert agreement.days_left() == 5
    assert agreement.days_left(on=datetime.date(2026, 6, 7)) == 364  # the next term, to 6 June 2027


# The state filter and the state are one rule, at its boundaries


def test_the_active_filter_leaves_out_an_agreement_expiring_in_90_days_and_keeps_one_in_91(today):
    ninety, ninety_one = expiring_in(90), expiring_in(91)
    renewing = expiring_in(5, auto_renews=True, renewal_term_months=12)
    assert set(Agreement.objects.in_state(Agreement.State.ACTIVE)) == {ninety_one, renewing}
    assert set(Agreement.objects.in_state(Agreement.State.EXPIRING)) == {ninety}
    assert ninety.state() == Agreement.State.EXPIRING
    assert ninety_one.state() == Agreement.State.ACTIVE


def test_the_state_filter_judges_on_the_day_asked_not_on_today(today):
    later = TODAY + 100 * DAY
    agreements = {
        "expires in 95 days": expiring_in(95),  # expired on `later`
        "expires in 150 days": expiring_in(150),  # expiring on `later`
        "expires in 200 days": expiring_in(200),  # active on `later`
        "starts in 50 days": AgreementFactory(
            signed_on=TODAY, valid_from=TODAY + 50 * DAY, expires_on=TODAY + 900 * DAY
        ),
        "starts in 150 days": AgreementFactory(
            signed_on=TODAY, valid_from=TODAY + 150 * DAY, expires_on=TODAY + 900 * DAY
        ),
    }
    states = [Agreement.State.ACTIVE, Agreement.State.EXPIRING, Agreement.State.EXPIRED, Agreement.State.PENDING]
    for state in states:
        expected = {
            pk for pk in (a.pk for a in agreements.values()) if Agreement.objects.get(pk=pk).state(later) == state
        }
        found = set(Agreement.objects.in_state(state, on=later).values_list("pk", flat=True))
        assert found == expected, state
    in_force = set(Agreement.objects.in_state("in_force", on=later).values_list("pk", flat=True))
    assert in_force == {
        agreements["expires in 150 days"].pk,
        agreements["expires in 200 days"].pk,
        agreements["starts in 50 days"].pk,
    }


def test_pending_is_signed_with_a_term_not_yet_begun_and_a_draft_never_is(today):
    pending = AgreementFactory(signed_on=TODAY, valid_from=TODAY + DAY, expires_on=TODAY + 400 * DAY)
    begins_today = AgreementFactory(signed_on=TODAY, valid_from=TODAY, expires_on=TODAY + 400 * DAY)
    AgreementFactory(status=Agreement.Status.DRAFT, signed_on=None, valid_from=TODAY + DAY, expires_on=None)
    assert list(Agreement.objects.pending()) == [pending]
    assert set(Agreement.objects.pending(on=TODAY - DAY)) == {pending, begins_today}
    assert set(Agreement.objects.pending(on=TODAY + DAY)) == set()


def test_expired_is_judged_on_the_day_asked(today):
    agreement = expiring_in(10)
    AgreementFactory(status=Agreement.Status.DRAFT, expires_on=TODAY - DAY)
    assert not Agreement.objects.expired().exists()
    assert list(Agreement.objects.expired(on=TODAY + 10 * DAY)) == []
    assert list(Agreement.objects.expired(on=TODAY + 11 * DAY)) == [agreement]


# The checks of an agreement, a signatory and a condition


def test_a_signed_agreement_needs_its_date_of_signature(db):
    agreement = AgreementFactory.build(status=Agreement.Status.SIGNED, signed_on=None)
    with pytest.raises(ValidationError) as refused:
        agreement.clean()
    assert refused.value.message_dict == {"signed_on": ["A signed agreement needs its date of signature."]}


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION])
def test_an_unsigned_agreement_needs_no_date_of_signature(db, status):
    AgreementFactory.build(status=status, signed_on=None).clean()


def test_a_signed_agreement_with_its_date_passes_the_check(db):
    AgreementFactory.build(status=Agreement.Status.SIGNED, signed_on=TODAY).clean()


def test_a_signatory_must_sign_for_a_party_of_its_own_agreement(db):
    agreement = AgreementFactory()
    others = AgreementPartyFactory()
    signatory = Signatory(agreement=agreement, party=others, full_name="Prof. A. Yilmaz")
    with pytest.raises(ValidationError) as refused:
        signatory.clean()
    assert refused.value.message_dict == {"party": ["The signatory must sign for a party of this agreement."]}


def test_a_signatory_for_a_party_of_its_agreement_passes_the_check(db):
    party = AgreementPartyFactory()
    Signatory(agreement=party.agreement, party=party, full_name="Prof. A. Yilmaz").clean()


def test_a_signatory_whose_party_or_agreement_is_not_chosen_yet_is_not_checked_against_it(db):
    """The entry page's empty rows: the required field says what is missing, not this check."""
    party = AgreementPartyFactory()
    Signatory(agreement=AgreementFactory(), full_name="Prof. A. Yilmaz").clean()
    Signatory(party=party, full_name="Prof. A. Yilmaz").clean()


def condition_errors(**fields) -> dict[str, list[str]]:
    """What Quota.clean() says of a condition with these fields (nothing: {})."""
    quota = QuotaFactory.build(agreement=AgreementFactory(), **fields)
    try:
        quota.clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_the_last_academic_year_may_not_come_before_the_first_but_may_be_the_same(db):
    assert condition_errors(first_academic_year="2025/2026", last_academic_year="2024/2025") == {
        "last_academic_year": ["The last academic year cannot come before the first."]
    }
    assert condition_errors(first_academic_year="2025/2026", last_academic_year="2025/2026") == {}
    assert condition_errors(first_academic_year="2025/2026", last_academic_year="2026/2027") == {}


@pytest.mark.parametrize(
    "years",
    [{"first_academic_year": ""}, {"last_academic_year": ""}, {"first_academic_year": "", "last_academic_year": ""}],
)
def test_a_missing_academic_year_is_left_to_the_required_field_not_called_out_of_order(db, years):
    assert condition_errors(**{"first_academic_year": "2025/2026", "last_academic_year": "2025/2026", **years}) == {}


def test_unknown_subject_areas_are_refused_all_named_and_known_ones_pass(db):
    assert condition_errors(subject_areas=["0714", "0999", "12345"]) == {
        "subject_areas": ["Not an ISCED-F 2013 code: 0999, 12345."]
    }
    assert condition_errors(subject_areas=["0714", "0011"]) == {}


@pytest.mark.parametrize("levels", [[0], [9], [6, 9]])
def test_eqf_levels_outside_one_to_eight_are_refused(db, levels):
    assert condition_errors(eqf_levels=levels) == {"eqf_levels": ["EQF levels run from 1 to 8."]}


@pytest.mark.parametrize("category", [Quota.Category.STUDENT_STUDIES, Quota.Category.STUDENT_TRAINEESHIP])
def test_eqf_levels_one_to_eight_are_accepted_for_student_mobility(db, category):
    assert condition_errors(category=category, eqf_levels=[1, 8]) == {}


@pytest.mark.parametrize("category", [Quota.Category.STAFF_TEACHING, Quota.Category.STAFF_TRAINING])
def test_eqf_levels_are_refused_for_staff_mobility_whatever_the_levels(db, category):
    expected = {"eqf_levels": ["EQF levels apply to student mobility only."]}
    assert condition_errors(category=category, eqf_levels=[6]) == expected
    assert condition_errors(category=category, eqf_levels=[9]) == expected
    assert condition_errors(category=category, eqf_levels=[]) == {}


def test_only_student_studies_can_be_blended(db):
    refused = {"blended": ["Only student studies can be blended."]}
    assert condition_errors(category=Quota.Category.STUDENT_STUDIES, blended=True) == {}
    assert condition_errors(category=Quota.Category.STUDENT_TRAINEESHIP, blended=True) == refused
    assert condition_errors(category=Quota.Category.STAFF_TEACHING, blended=True) == refused
    assert condition_errors(category=Quota.Category.STAFF_TRAINING, blended=False) == {}


def test_every_fault_of_a_condition_is_reported_at_once(db):
    errors = condition_errors(
        category=Quota.Category.STUDENT_TRAINEESHIP,
        first_academic_year="2026/2027",
        last_academic_year="2025/2026",
        subject_areas=["0999"],
        eqf_levels=[9],
        blended=True,
    )
    assert errors == {
        "last_academic_year": ["The last academic year cannot come before the first."],
        "subject_areas": ["Not an ISCED-F 2013 code: 0999."],
        "eqf_levels": ["EQF levels run from 1 to 8."],
        "blended": ["Only student studies can be blended."],
    }


def test_a_conditions_subject_areas_are_named_by_their_isced_field_and_an_unknown_code_alone(db):
    quota = QuotaFactory.build(subject_areas=["0714", "0999"])
    assert quota.subject_area_names() == ["0714 Electronics and automation", "0999"]


# Search


@pytest.fixture
def searched(db):
    gazi = InstitutionFactory(name="Gazi Üniversitesi")
    with_gazi = AgreementFactory(title="Student exchange", registration_number="AB-12")
    AgreementPartyFactory(agreement=with_gazi, institution=gazi)
    memorandum = AgreementFactory(title="Memorandum on research", registration_number="AB-123")
    AgreementPartyFactory(agreement=memorandum, institution=InstitutionFactory(name="Urumqi University"))
    return {"with gazi": with_gazi, "memorandum": memorandum}


def found(searched, text: str) -> set[str]:
    pks = set(Agreement.objects.search(text).values_list("pk", flat=True))
    return {name for name, agreement in searched.items() if agreement.pk in pks}


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_search_finds_every_agreement(searched, text):
    assert found(searched, text) == {"with gazi", "memorandum"}


def test_a_search_finds_a_part_of_the_title_in_any_case(searched):
    assert found(searched, "RESEARCH") == {"memorandum"}
    assert found(searched, "exchan") == {"with gazi"}


def test_a_search_finds_the_whole_registration_number_in_any_case_and_spaces_around_it(searched):
    assert found(searched, "ab-12") == {"with gazi"}
    assert found(searched, "  AB-123  ") == {"memorandum"}
    assert found(searched, "AB-1") == set()


def test_a_search_finds_an_agreement_by_its_partners_name_without_its_accents(searched):
    assert found(searched, "universitesi") == {"with gazi"}
    assert found(searched, " gazi ") == {"with gazi"}
    assert found(searched, "urumqi") == {"memorandum"}


def test_a_search_that_matches_nothing_finds_nothing(searched):
    assert found(searched, "Sorbonne") == set()


# Dormant: judged on the day asked, at the two years' cut-off


ON = datetime.date(2026, 6, 15)
CUT_OFF = datetime.date(2024, 6, 15)  # two years before ON


def quiet(last_activity_on=None, **fields) -> Agreement:
    agreement = AgreementFactory(
        **{"signed_on": datetime.date(2020, 3, 1), "valid_from": datetime.date(2020, 3, 1), **fields}
    )
    # The last activity is computed from mobility and visits (test_dormant.py); here its day is set.
    Agreement.objects.filter(pk=agreement.pk).update(last_activity_on=last_activity_on)
    return agreement


def dormant_on(day: datetime.date) -> set[int]:
    return set(Agreement.objects.dormant(on=day).values_list("pk", flat=True))


def test_activity_on_the_cut_off_day_keeps_an_agreement_active_and_the_day_before_does_not(db):
    on_the_day, day_before = quiet(CUT_OFF), quiet(CUT_OFF - DAY)
    never = quiet(None)
    assert dormant_on(ON) == {day_before.pk, never.pk}
    assert on_the_day.pk not in dormant_on(ON)


def test_an_agreement_signed_on_the_cut_off_day_can_be_dormant_and_one_signed_the_day_after_not_yet(db):
    on_the_day = quiet(signed_on=CUT_OFF, valid_from=CUT_OFF)
    quiet(signed_on=CUT_OFF + DAY, valid_from=CUT_OFF + DAY)
    assert dormant_on(ON) == {on_the_day.pk}


def test_only_an_agreement_in_force_on_the_day_asked_can_be_dormant(db):
    in_force_then = quiet(expires_on=ON + 30 * DAY)
    quiet(expires_on=ON - DAY)  # expired by then
    quiet(status=Agreement.Status.TERMINATED, terminated_on=ON - DAY, termination_reason="Closed.")
    quiet(status=Agreement.Status.DRAFT, signed_on=None)
    with frozen_at(datetime.date(2031, 1, 1)):  # long after: none of them is in force any more
        assert dormant_on(ON) == {in_force_then.pk}
        assert not Agreement.objects.dormant().exists()


def test_dormant_without_a_day_is_judged_today(db):
    agreement = quiet(CUT_OFF - DAY)
    with frozen_at(ON):
        assert list(Agreement.objects.dormant()) == [agreement]
    with frozen_at(CUT_OFF + 365 * DAY):  # a year after the last activity: not yet
        assert not Agreement.objects.dormant().exists()


# What each record is called, where it is kept and whom it belongs to


def test_each_record_is_named_as_people_know_it(db):
    party = AgreementPartyFactory(agreement__title="Memorandum with Gazi", institution__name="Gazi University")
    assert str(party.agreement) == "Memorandum with Gazi"
    assert str(party) == "Gazi University"
    assert str(AgreementPartyFactory(institution=None, unit=UnitFactory(name="Faculty of Law"))) == "Faculty of Law"
    assert str(Signatory(full_name="Prof. A. Yilmaz", position="Rector")) == "Prof. A. Yilmaz, Rector"
    assert str(Signatory(full_name="Prof. A. Yilmaz")) == "Prof. A. Yilmaz"
    quota = QuotaFactory.build(
        first_academic_year="2025/2026",
        last_academic_year="2026/2027",
        direction=Quota.Direction.INCOMING,
        category=Quota.Category.STAFF_TEACHING,
        places=3,
    )
    assert str(quota) == "2025/2026–2026/2027 Incoming Staff teaching: 3"
    approval = IiaApproval(side=IiaApproval.Side.PARTNER, iia_hash="ab" * 32, approved_on=datetime.date(2026, 5, 4))
    assert str(approval) == "The partner approved our copy: abababababab… (2026-05-04)"


def test_an_agreements_page_is_its_detail_page(db):
    agreement = AgreementFactory()
    assert agreement.get_absolute_url() == f"/agreements/{agreement.pk}/"


def test_a_conditions_language_skills_read_on_one_line(db):
    quota = QuotaFactory.build(
        language_skills=[{"language": "en", "cefr": "B2"}, {"language": "kk", "cefr": "C1", "subject_area": "0413"}]
    )
    assert quota.language_skills_text() == "en B2; kk C1 0413"


def test_a_condition_spans_every_academic_year_from_its_first_to_its_last(db):
    assert QuotaFactory.build(first_academic_year="2025/2026", last_academic_year="2025/2026").academic_years() == [
        "2025/2026"
    ]
    assert QuotaFactory.build(first_academic_year="2024/2025", last_academic_year="2027/2028").academic_years() == [
        "2024/2025",
        "2025/2026",
        "2026/2027",
        "2027/2028",
    ]


def test_the_conditions_of_an_academic_year_include_those_that_begin_or_end_in_it(db):
    begins = QuotaFactory(first_academic_year="2025/2026", last_academic_year="2027/2028")
    ends = QuotaFactory(first_academic_year="2023/2024", last_academic_year="2025/2026")
    QuotaFactory(first_academic_year="2026/2027", last_academic_year="2027/2028")
    QuotaFactory(first_academic_year="2023/2024", last_academic_year="2024/2025")
    assert set(Quota.objects.for_academic_year("2025/2026")) == {begins, ends}


def test_a_stored_documents_name_is_random_and_keeps_only_the_lower_case_extension(db):
    version = SimpleNamespace(document=SimpleNamespace(agreement_id=7))
    first, second = _document_path(version, "Signed Copy.PDF"), _document_path(version, "Signed Copy.PDF")
    assert re.fullmatch(r"agreements/7/[0-9a-f]{32}\.pdf", first)
    assert first != second
    assert re.fullmatch(r"agreements/7/[0-9a-f]{32}\.abcdefghi", _document_path(version, "x.ABCDEFGHIJKL"))
    assert re.fullmatch(r"agreements/7/[0-9a-f]{32}", _document_path(version, "no extension"))


def test_a_document_versions_digest_is_the_sha256_of_its_whole_content(db):
    content = b"%PDF-1.7\n" + b"x" * 200_000
    assert DocumentVersion.digest(ContentFile(content)) == hashlib.sha256(content).hexdigest()


def test_a_documents_latest_version_is_the_highest_number(db):
    document = AgreementDocument.objects.create(agreement=AgreementFactory(), title="Signed copy")
    for number in (1, 3, 2):
        DocumentVersion.objects.create(
            document=document,
            number=number,
            file=f"agreements/x{number}.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=1,
        )
    assert document.latest_version().number == 3
    assert AgreementDocument.objects.create(agreement=document.agreement, title="Draft").latest_version() is None


def test_a_units_agreements_are_those_it_is_responsible_for(db):
    law, medicine = UnitFactory(), UnitFactory()
    ours = AgreementFactory(responsible_unit=law)
    AgreementFactory(responsible_unit=medicine)
    assert list(Agreement.objects.owned_by(law)) == [ours]


def test_ever_signed_is_every_agreement_past_negotiation(db):
    signed = AgreementFactory()
    renewed = AgreementFactory(status=Agreement.Status.RENEWED)
    terminated = AgreementFactory(status=Agreement.Status.TERMINATED, terminated_on=TODAY, termination_reason="Closed.")
    AgreementFactory(status=Agreement.Status.DRAFT, signed_on=None)
    AgreementFactory(status=Agreement.Status.NEGOTIATION, signed_on=None)
    assert set(Agreement.objects.ever_signed()) == {signed, renewed, terminated}


def test_our_iia_ids_are_new_uuids_each_time():
    first, second = new_iia_id(), new_iia_id()
    assert first != second
    assert str(uuid.UUID(first)) == first


@pytest.mark.parametrize("value", ["ab" * 32, "0123456789abcdef" * 4])
def test_an_iia_hash_of_64_lower_case_hexadecimal_digits_is_accepted(value):
    validate_iia_hash(value)


@pytest.mark.parametrize("value", ["", "ab" * 31, "ab" * 32 + "a", "AB" * 32, "gh" * 32, None])
def test_anything_but_64_lower_case_hexadecimal_digits_is_refused_as_an_iia_hash(value):
    with pytest.raises(ValidationError) as refused:
        validate_iia_hash(value)
    assert refused.value.messages == ["An iia-hash is 64 hexadecimal digits (SHA-256)."]
    assert refused.value.code == "iia_hash"


def test_an_agreement_changed_since_a_partner_approved_it_is_one_whose_approved_hash_is_not_our_copys(db):
    def party(approved: str | None, ours: str) -> AgreementParty:
        party = AgreementPartyFactory()
        approval = None
        if approved is not None:
            approval = IiaApproval.objects.create(
                party=party, side=IiaApproval.Side.PARTNER, iia_hash=approved, approved_on=TODAY
            )
        # Our copy's hash is kept by agreements.ewp.approval from the export; here it is set.
        AgreementParty.objects.filter(pk=party.pk).update(partner_approval=approval, current_iia_hash=ours)
        return party

    changed = party(approved="ab" * 32, ours="cd" * 32)
    party(approved="ab" * 32, ours="ab" * 32)  # still the approved copy
    party(approved=None, ours="cd" * 32)  # never approved
    assert list(AgreementParty.objects.changed_since_partner_approval()) == [changed]
    assert list(Agreement.objects.changed_since_partner_approval()) == [changed.agreement]
