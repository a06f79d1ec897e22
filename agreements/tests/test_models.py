"""Agreements: the database refuses what the model forbids, and the derived states follow the calendar.

Time is frozen in Almaty (settings.TIME_ZONE): "today" is the day in Almaty, not in UTC.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from agreements.models import Agreement, AgreementDocument, DocumentVersion, Quota, add_months
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    QuotaFactory,
)

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = datetime.date(2026, 6, 1)


def refused(create) -> None:
    """`create` must fail in the database; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def frozen_at(day: datetime.date, hour: int = 12, minute: int = 0):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY), tick=False)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def today(db):
    with frozen_at(TODAY):
        yield TODAY


# Constraints: dates


def test_it_refuses_an_expiry_before_the_agreement_enters_into_force(db):
    refused(
        lambda: AgreementFactory(
            signed_on=datetime.date(2026, 1, 1),
            valid_from=datetime.date(2026, 3, 1),
            expires_on=datetime.date(2026, 2, 1),
        )
    )


def test_it_refuses_an_expiry_on_the_day_the_agreement_enters_into_force(db):
    refused(lambda: AgreementFactory(signed_on=None, valid_from=TODAY, expires_on=TODAY))


def test_it_refuses_an_expiry_before_the_signature(db):
    refused(lambda: AgreementFactory(signed_on=TODAY, valid_from=None, expires_on=TODAY - days(1)))


def test_it_accepts_an_expiry_after_signature_and_start(db):
    agreement = AgreementFactory(signed_on=TODAY, valid_from=TODAY + days(10), expires_on=TODAY + days(11))
    assert agreement.pk


def test_it_accepts_an_open_ended_agreement(db):
    assert AgreementFactory(expires_on=None).pk


# Constraints: termination and renewal


def test_it_refuses_a_termination_without_a_reason(db):
    refused(lambda: AgreementFactory(status=Agreement.Status.TERMINATED, terminated_on=TODAY, termination_reason=""))


def test_it_refuses_a_termination_without_a_date(db):
    refused(lambda: AgreementFactory(status=Agreement.Status.TERMINATED, termination_reason="The partner closed."))


def test_it_accepts_a_termination_with_date_and_reason(db):
    agreement = AgreementFactory(
        status=Agreement.Status.TERMINATED, terminated_on=TODAY, termination_reason="The partner closed."
    )
    assert agreement.pk


@pytest.mark.parametrize("terms", [{"renewal_term_months": 12}, {"renewal_notice_days": 90}])
def test_it_refuses_renewal_terms_on_an_agreement_that_does_not_renew_automatically(db, terms):
    refused(lambda: AgreementFactory(auto_renews=False, **terms))


def test_it_refuses_an_automatic_renewal_without_an_expiry(db):
    refused(lambda: AgreementFactory(auto_renews=True, expires_on=None))


def test_it_accepts_an_automatic_renewal_with_its_terms(db):
    assert AgreementFactory(auto_renews=True, renewal_term_months=12, renewal_notice_days=90).pk


def test_it_refuses_an_agreement_that_renews_itself(db):
    agreement = AgreementFactory()
    agreement.renews = agreement
    refused(agreement.save)


def test_it_refuses_two_renewals_of_one_agreement(db):
    first = AgreementFactory()
    AgreementFactory(renews=first)
    refused(lambda: AgreementFactory(renews=first))


def test_it_refuses_a_registration_number_twice(db):
    AgreementFactory(registration_number="MoU-2025/17")
    refused(lambda: AgreementFactory(registration_number="MoU-2025/17"))


def test_it_allows_many_agreements_without_a_registration_number(db):
    AgreementFactory(registration_number="")
    AgreementFactory(registration_number="")
    assert Agreement.objects.filter(registration_number="").count() == 2


# Constraints: parties


def test_it_refuses_a_party_that_is_both_an_institution_and_a_unit(faculty):
    refused(lambda: AgreementPartyFactory(unit=faculty))


def test_it_refuses_a_party_that_is_neither_an_institution_nor_a_unit(db):
    refused(lambda: AgreementPartyFactory(institution=None))


def test_it_refuses_an_institution_as_a_party_twice(db):
    party = AgreementPartyFactory()
    refused(lambda: AgreementPartyFactory(agreement=party.agreement, institution=party.institution))


def test_it_refuses_a_unit_as_a_party_twice(faculty):
    party = AgreementPartyFactory(institution=None, unit=faculty)
    refused(lambda: AgreementPartyFactory(agreement=party.agreement, institution=None, unit=faculty))


def test_it_accepts_a_multilateral_agreement(university, faculty):
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=0)
    AgreementPartyFactory(agreement=agreement, institution=None, unit=faculty, order=1)
    for order in range(2, 6):
        AgreementPartyFactory(agreement=agreement, order=order)
    assert agreement.parties.count() == 6


# Constraints: quotas and documents


def test_it_refuses_an_academic_year_written_with_a_dash(db):
    refused(lambda: QuotaFactory(academic_year="2025-2026"))


def test_it_refuses_a_last_year_before_the_first(db):
    refused(lambda: QuotaFactory(first_academic_year="2025/2026", last_academic_year="2024/2025"))


def test_it_accepts_conditions_that_overlap(db):
    quota = QuotaFactory()
    QuotaFactory(agreement=quota.agreement)
    QuotaFactory(agreement=quota.agreement, first_academic_year="2024/2025", last_academic_year="2027/2028")
    QuotaFactory(agreement=quota.agreement, subject_areas=["0714"])
    assert quota.agreement.quotas.count() == 4


def test_a_condition_spans_its_academic_years(db):
    quota = QuotaFactory(first_academic_year="2024/2025", last_academic_year="2026/2027")
    assert quota.academic_years() == ["2024/2025", "2025/2026", "2026/2027"]
    assert list(Quota.objects.for_academic_year("2025/2026")) == [quota]
    assert not Quota.objects.for_academic_year("2027/2028").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"subject_areas": ["0999"]}, "subject_areas"),
        ({"eqf_levels": [9]}, "eqf_levels"),
        ({"eqf_levels": [6], "category": "staff_teaching"}, "eqf_levels"),
        ({"blended": True, "category": "staff_training"}, "blended"),
    ],
)
def test_a_condition_refuses_what_ewp_does_not_allow(db, values, field):
    quota = QuotaFactory.build(agreement=AgreementFactory(), **values)
    with pytest.raises(ValidationError) as refused_error:
        quota.full_clean()
    assert field in refused_error.value.message_dict


@pytest.fixture
def document(db):
    return AgreementDocument.objects.create(agreement=AgreementFactory(), title="Signed memorandum")


def add_version(document, number):
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        file="agreements/1/scan.pdf",
        original_name="scan.pdf",
        content_type="application/pdf",
        size=1,
    )


def test_it_refuses_a_document_version_number_twice(document):
    add_version(document, 1)
    refused(lambda: add_version(document, 1))


def test_it_refuses_a_document_version_zero(document):
    refused(lambda: add_version(document, 0))


def test_it_numbers_document_versions_from_one(document):
    add_version(document, 1)
    add_version(document, 2)
    assert document.latest_version().number == 2


# What may not be deleted


def test_it_refuses_to_delete_an_institution_that_is_a_party(db):
    party = AgreementPartyFactory()
    with pytest.raises(ProtectedError):
        party.institution.delete()


def test_it_refuses_to_delete_a_unit_with_agreements(faculty):
    AgreementFactory(responsible_unit=faculty)
    with pytest.raises(ProtectedError):
        faculty.delete()


def test_it_refuses_to_delete_a_unit_that_is_a_party(faculty):
    AgreementPartyFactory(institution=None, unit=faculty)
    with pytest.raises(ProtectedError):
        faculty.delete()


def test_it_refuses_to_delete_an_agreement_that_was_renewed(db):
    first = AgreementFactory()
    AgreementFactory(renews=first)
    with pytest.raises(ProtectedError):
        first.delete()


# In force, expiring, expired


@pytest.fixture
def calendar(today):
    """One agreement for each situation, named by it."""
    return {
        "expired yesterday": AgreementFactory(expires_on=today - days(1)),
        "expires today": AgreementFactory(expires_on=today),
        "expires in 30 days": AgreementFactory(expires_on=today + days(30)),
        "expires in 31 days": AgreementFactory(expires_on=today + days(31)),
        "open-ended": AgreementFactory(expires_on=None),
        "renews automatically": AgreementFactory(
            expires_on=datetime.date(2025, 1, 15), auto_renews=True, renewal_term_months=12
        ),
        "starts tomorrow": AgreementFactory(signed_on=today, valid_from=today + days(1), expires_on=today + days(10)),
        "draft": AgreementFactory(status=Agreement.Status.DRAFT, expires_on=today + days(10)),
        "terminated": AgreementFactory(
            status=Agreement.Status.TERMINATED, terminated_on=today - days(5), termination_reason="Closed."
        ),
        "renewed": AgreementFactory(status=Agreement.Status.RENEWED, expires_on=today + days(10)),
    }


def names(calendar, queryset) -> set[str]:
    return {name for name, agreement in calendar.items() if queryset.filter(pk=agreement.pk).exists()}


def test_in_force_means_signed_started_and_not_past_expiry(calendar):
    assert names(calendar, Agreement.objects.in_force()) == {
        "expires today",
        "expires in 30 days",
        "expires in 31 days",
        "open-ended",
        "renews automatically",
    }


def test_expiring_includes_today_and_the_last_day_of_the_period_but_not_the_next(calendar):
    assert names(calendar, Agreement.objects.expiring(within=days(30))) == {"expires today", "expires in 30 days"}


def test_expiring_within_no_days_is_what_expires_today(calendar):
    assert names(calendar, Agreement.objects.expiring(within=days(0))) == {"expires today"}


def test_expired_is_signed_and_past_expiry(calendar):
    assert names(calendar, Agreement.objects.expired()) == {"expired yesterday"}


def test_an_open_ended_agreement_never_expires(db):
    agreement = AgreementFactory(expires_on=None)
    with frozen_at(datetime.date(2099, 12, 31)):
        assert Agreement.objects.expired().count() == 0
        assert list(Agreement.objects.in_force()) == [agreement]
        assert agreement.state() == "active"
        assert agreement.days_left() is None


def test_an_automatically_renewing_agreement_stays_in_force(db):
    agreement = AgreementFactory(expires_on=datetime.date(2025, 1, 15), auto_renews=True, renewal_term_months=12)
    with frozen_at(datetime.date(2031, 7, 1)):
        assert list(Agreement.objects.in_force()) == [agreement]
        assert Agreement.objects.expired().count() == 0
        assert Agreement.objects.expiring(within=days(3650)).count() == 0
        assert agreement.state() == "active"


def test_the_day_follows_almaty_not_utc(db):
    agreement = AgreementFactory(expires_on=datetime.date(2026, 3, 1))
    # 01:00 in Almaty is 20:00 on 28 February in UTC.
    with frozen_at(datetime.date(2026, 3, 1), hour=1):
        assert agreement.days_left() == 0
        assert list(Agreement.objects.expiring(within=days(0))) == [agreement]
    with frozen_at(datetime.date(2026, 3, 2), hour=1):
        assert agreement.days_left() == -1
        assert list(Agreement.objects.expired()) == [agreement]


# The term of an automatic renewal


def test_a_fixed_term_ends_on_its_expiry(db):
    agreement = AgreementFactory(expires_on=datetime.date(2025, 1, 15))
    assert agreement.current_term_end(on=datetime.date(2027, 1, 1)) == datetime.date(2025, 1, 15)
    assert agreement.notice_deadline(on=datetime.date(2024, 6, 1)) is None


def test_an_automatic_renewal_rolls_the_term_forward(db):
    agreement = AgreementFactory(expires_on=datetime.date(2025, 1, 15), auto_renews=True, renewal_term_months=12)
    with frozen_at(datetime.date(2026, 6, 1)):
        assert agreement.current_term_end() == datetime.date(2027, 1, 15)
        assert agreement.days_left() == (datetime.date(2027, 1, 15) - datetime.date(2026, 6, 1)).days


def test_the_term_is_still_current_on_its_last_day(db):
    agreement = AgreementFactory(expires_on=datetime.date(2025, 1, 15), auto_renews=True, renewal_term_months=12)
    assert agreement.current_term_end(on=datetime.date(2026, 1, 15)) == datetime.date(2026, 1, 15)
    assert agreement.current_term_end(on=datetime.date(2026, 1, 16)) == datetime.date(2027, 1, 15)


def test_the_renewal_term_is_a_year_unless_told(db):
    agreement = AgreementFactory(expires_on=datetime.date(2025, 1, 15), auto_renews=True)
    assert agreement.current_term_end(on=datetime.date(2025, 1, 16)) == datetime.date(2026, 1, 15)


def test_one_month_after_31_january_is_the_end_of_february(db):
    agreement = AgreementFactory(
        signed_on=datetime.date(2025, 1, 31),
        valid_from=datetime.date(2025, 1, 31),
        expires_on=datetime.date(2026, 1, 31),
        auto_renews=True,
        renewal_term_months=1,
    )
    assert agreement.current_term_end(on=datetime.date(2026, 2, 1)) == datetime.date(2026, 2, 28)


def test_twelve_months_after_a_leap_day_is_28_february(db):
    agreement = AgreementFactory(
        signed_on=datetime.date(2027, 2, 28),
        valid_from=datetime.date(2027, 3, 1),
        expires_on=datetime.date(2028, 2, 29),
        auto_renews=True,
        renewal_term_months=12,
    )
    assert agreement.current_term_end(on=datetime.date(2028, 3, 1)) == datetime.date(2029, 2, 28)


@pytest.mark.parametrize(
    ("expires_on", "months", "on", "term_end"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 3, 15), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2028, 2, 1), datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2032, 1, 1), datetime.date(2032, 2, 29)),
    ],
)
def test_a_month_end_term_keeps_ending_at_the_month_end(db, expires_on, months, on, term_end):
    agreement = AgreementFactory(
        signed_on=datetime.date(2024, 1, 1),
        valid_from=datetime.date(2024, 1, 1),
        expires_on=expires_on,
        auto_renews=True,
        renewal_term_months=months,
    )
    assert agreement.current_term_end(on=on) == term_end


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, result):
    assert add_months(day, months) == result


def test_the_notice_deadline_comes_the_notice_period_before_the_term_ends(db):
    agreement = AgreementFactory(
        expires_on=datetime.date(2026, 12, 31), auto_renews=True, renewal_term_months=12, renewal_notice_days=90
    )
    assert agreement.notice_deadline(on=datetime.date(2026, 6, 1)) == datetime.date(2026, 10, 2)
    assert agreement.notice_deadline(on=datetime.date(2027, 1, 5)) == datetime.date(2027, 10, 2)


def test_without_a_notice_period_the_deadline_is_the_term_end(db):
    agreement = AgreementFactory(expires_on=datetime.date(2026, 12, 31), auto_renews=True)
    assert agreement.notice_deadline(on=datetime.date(2026, 6, 1)) == datetime.date(2026, 12, 31)


# state()


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("draft", "draft"),
        ("terminated", "terminated"),
        ("renewed", "renewed"),
        ("starts tomorrow", "pending"),
        ("expires in 30 days", "expiring"),
        ("expires today", "expiring"),
        ("expired yesterday", "expired"),
        ("open-ended", "active"),
        ("renews automatically", "active"),
    ],
)
def test_state(calendar, name, state):
    assert calendar[name].state() == state


def test_the_state_of_an_agreement_under_negotiation(db):
    assert AgreementFactory(status=Agreement.Status.NEGOTIATION).state() == "negotiation"


def test_it_is_expiring_from_90_days_before_expiry(today):
    assert AgreementFactory(expires_on=today + days(90)).state() == "expiring"
    assert AgreementFactory(expires_on=today + days(91)).state() == "active"


# The chain of renewals


def test_the_renewal_chain_is_visible_from_every_link(db):
    first = AgreementFactory(title="Memorandum 2016")
    second = AgreementFactory(title="Memorandum 2021", renews=first)
    third = AgreementFactory(title="Memorandum 2026", renews=second)
    AgreementFactory(title="Unrelated")
    for link in (first, second, third):
        assert link.renewal_chain() == [first, second, third]


def test_an_agreement_without_renewals_is_a_chain_of_one(db):
    agreement = AgreementFactory()
    assert agreement.renewal_chain() == [agreement]


def test_in_state_selects_exactly_the_agreements_whose_state_it_is(calendar):
    """The list filter "state" and Agreement.state() are one rule: every state, every case."""
    states = {"draft", "negotiation", "renewed", "terminated", "pending", "active", "expiring", "expired"}
    for state in states:
        expected = {agreement.pk for agreement in calendar.values() if agreement.state() == state}
        assert set(Agreement.objects.in_state(state).values_list("pk", flat=True)) == expected, state
