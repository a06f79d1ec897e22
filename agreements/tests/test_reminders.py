"""Which date an agreement reminds about: its expiry, or for an automatic renewal the notice
deadline of the current term; nothing for open-ended, draft, renewed or terminated ones."""

import datetime

import pytest

from agreements.models import Agreement
from agreements.reminders import EXPIRY, NOTICE, agreement_due, agreements_due
from cooperation.tests.factories import AgreementFactory

D = datetime.date


def auto_renewing(**fields):
    """An agreement that renews itself (unsaved: the rule reads only its fields)."""
    defaults = {
        "status": Agreement.Status.SIGNED,
        "signed_on": D(2023, 1, 1),
        "valid_from": D(2023, 1, 1),
        "auto_renews": True,
        "renewal_term_months": 12,
        "renewal_notice_days": 60,
    }
    return Agreement(pk=1, responsible_unit_id=1, **{**defaults, **fields})


def test_a_fixed_term_agreement_reminds_about_its_expiry():
    agreement = Agreement(pk=7, status=Agreement.Status.SIGNED, expires_on=D(2026, 3, 31), responsible_unit_id=3)

    due = agreement_due(agreement, on=D(2025, 12, 1))

    assert (due.kind, due.item_id, due.due_on, due.unit_id) == (EXPIRY, 7, D(2026, 3, 31), 3)


def test_an_expired_one_still_names_its_expiry_for_the_catch_up():
    agreement = Agreement(pk=7, status=Agreement.Status.SIGNED, expires_on=D(2025, 11, 30), responsible_unit_id=3)

    assert agreement_due(agreement, on=D(2025, 12, 1)).due_on == D(2025, 11, 30)


def test_an_open_ended_agreement_reminds_about_nothing():
    agreement = Agreement(pk=7, status=Agreement.Status.SIGNED, expires_on=None, responsible_unit_id=3)

    assert agreement_due(agreement, on=D(2025, 12, 1)) is None


@pytest.mark.parametrize(
    "status",
    [Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION, Agreement.Status.RENEWED, Agreement.Status.TERMINATED],
)
def test_it_reminds_only_about_signed_agreements(status):
    agreement = Agreement(pk=7, status=status, expires_on=D(2026, 3, 31), responsible_unit_id=3)

    assert agreement_due(agreement, on=D(2025, 12, 1)) is None


def test_an_automatic_renewal_reminds_about_the_notice_deadline_instead():
    agreement = auto_renewing(expires_on=D(2026, 6, 30))

    due = agreement_due(agreement, on=D(2026, 1, 10))

    assert (due.kind, due.due_on) == (NOTICE, D(2026, 5, 1))  # 60 days before 30 June


def test_the_notice_deadline_moves_to_the_next_term_once_a_term_has_ended():
    agreement = auto_renewing(expires_on=D(2026, 6, 30))

    assert agreement_due(agreement, on=D(2026, 6, 30)).due_on == D(2026, 5, 1)  # still the current term
    assert agreement_due(agreement, on=D(2026, 7, 1)).due_on == D(2027, 5, 1)


def test_a_notice_deadline_after_a_leap_day_term_end_is_counted_from_28_february():
    agreement = auto_renewing(expires_on=D(2024, 2, 29), renewal_notice_days=30)

    # The term rolls to 28 February 2025 (there is no 29th), and notice is due 30 days before it.
    assert agreement_due(agreement, on=D(2024, 3, 1)).due_on == D(2025, 1, 29)


def test_a_monthly_renewal_of_a_31st_ends_on_the_last_day_of_a_shorter_month():
    agreement = auto_renewing(expires_on=D(2025, 1, 31), renewal_term_months=1, renewal_notice_days=0)

    assert agreement_due(agreement, on=D(2025, 2, 10)).due_on == D(2025, 2, 28)


def test_monthly_renewals_of_a_31st_come_back_to_the_31st():
    agreement = auto_renewing(expires_on=D(2025, 1, 31), renewal_term_months=1, renewal_notice_days=0)

    assert agreement_due(agreement, on=D(2025, 3, 1)).due_on == D(2025, 3, 31)


def test_without_a_notice_period_the_deadline_is_the_end_of_the_term():
    agreement = auto_renewing(expires_on=D(2026, 6, 30), renewal_notice_days=None)

    assert agreement_due(agreement, on=D(2026, 1, 10)).due_on == D(2026, 6, 30)


@pytest.mark.django_db
def test_the_sweep_gets_the_agreements_due_in_the_window_of_their_kind(django_assert_num_queries):
    inside = AgreementFactory(expires_on=D(2026, 1, 31))
    AgreementFactory(expires_on=D(2026, 2, 2))  # after the window
    AgreementFactory(expires_on=D(2025, 11, 1))  # before it
    AgreementFactory(expires_on=D(2026, 1, 31), status=Agreement.Status.RENEWED)
    AgreementFactory(expires_on=None)
    notice = AgreementFactory(
        expires_on=D(2026, 3, 1), auto_renews=True, renewal_term_months=12, renewal_notice_days=40
    )
    AgreementFactory(expires_on=D(2026, 9, 1), auto_renews=True, renewal_term_months=12, renewal_notice_days=40)
    window = (D(2025, 12, 1), D(2026, 2, 1))

    with django_assert_num_queries(1):
        due = list(agreements_due(on=D(2025, 12, 15), windows={EXPIRY: window, NOTICE: window}))

    assert sorted((d.kind, d.item_id, d.due_on) for d in due) == sorted(
        [(EXPIRY, inside.pk, D(2026, 1, 31)), (NOTICE, notice.pk, D(2026, 1, 20))]
    )


@pytest.mark.django_db
def test_a_kind_without_a_window_is_not_asked_for():
    AgreementFactory(expires_on=D(2026, 1, 31))
    AgreementFactory(expires_on=D(2026, 3, 1), auto_renews=True, renewal_term_months=12, renewal_notice_days=40)

    due = list(agreements_due(on=D(2025, 12, 15), windows={NOTICE: (D(2025, 12, 1), D(2026, 2, 1))}))

    assert [d.kind for d in due] == [NOTICE]
