"""A notice period as agreements state it: "six months" or "90 days". Kept as stated, the
deadline counted in calendar months when given in months, and the entry page's round trip exact."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from agreements.models import Agreement
from agreements.reminders import NOTICE, RULE_FIELDS, agreement_due
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.entry_pages import (
    assert_one_change,
    assert_untouched_save_changes_nothing,
    check_any_single_change,
    form_errors,
    save,
)
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory

D = datetime.date


def auto_renewing(**fields):
    agreement = AgreementFactory(auto_renews=True, renewal_term_months=12, **fields)
    AgreementPartyFactory(agreement=agreement)
    return agreement


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("expires_on", "months", "deadline"),
    [
        (D(2026, 8, 31), 6, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 8, 31), 6, D(2028, 2, 29)),
        (D(2026, 12, 31), 3, D(2026, 9, 30)),
        (D(2026, 3, 15), 6, D(2025, 9, 15)),  # across a year
        (D(2026, 6, 30), 1, D(2026, 5, 30)),
    ],
)
def test_a_deadline_in_months_is_counted_in_calendar_months(expires_on, months, deadline):
    agreement = auto_renewing(expires_on=expires_on, renewal_notice_months=months)
    assert agreement.notice_deadline(on=expires_on - datetime.timedelta(days=400)) == deadline


@pytest.mark.django_db
def test_a_deadline_in_days_is_counted_in_days_as_before():
    agreement = auto_renewing(expires_on=D(2026, 8, 31), renewal_notice_days=184)
    assert agreement.notice_deadline(on=D(2026, 1, 1)) == D(2026, 2, 28)


@pytest.mark.django_db
def test_the_reminder_sweep_reads_the_months(django_assert_num_queries):
    auto_renewing(expires_on=D(2026, 8, 31), renewal_notice_months=6)
    [agreement] = Agreement.objects.filter(auto_renews=True).only(*RULE_FIELDS)
    with django_assert_num_queries(0):  # every field the rule reads is loaded
        due = agreement_due(agreement, on=D(2026, 1, 10))
    assert (due.kind, due.due_on) == (NOTICE, D(2026, 2, 28))


@pytest.mark.django_db
def test_days_and_months_together_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        auto_renewing(expires_on=D(2026, 8, 31), renewal_notice_days=90, renewal_notice_months=3)


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "months"), [(90, None), (None, 6), (0, None)])
def test_the_page_shows_the_period_as_stated_and_an_untouched_save_keeps_it(client, office_user, days, months):
    agreement = auto_renewing(expires_on=D(2030, 8, 31), renewal_notice_days=days, renewal_notice_months=months)
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])

    form = RenderedForm.get(client, url)
    shown = [form["renewal_notice_days"], form["renewal_notice_months"]]
    assert shown == ["" if value is None else str(value) for value in (days, months)]
    assert_untouched_save_changes_nothing(client, url)
    agreement.refresh_from_db()
    assert (agreement.renewal_notice_days, agreement.renewal_notice_months) == (days, months)


@pytest.mark.django_db
def test_an_agreement_without_a_notice_period_keeps_none(client, office_user):
    agreement = auto_renewing(expires_on=D(2030, 8, 31))
    client.force_login(office_user)
    assert_untouched_save_changes_nothing(client, reverse("agreements:agreement-edit", args=[agreement.pk]))


@pytest.mark.django_db
def test_ninety_days_restated_as_six_months(client, office_user):
    agreement = auto_renewing(expires_on=D(2030, 8, 31), renewal_notice_days=90)
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    form = RenderedForm.get(client, url)
    form["renewal_notice_days"] = ""
    form["renewal_notice_months"] = "6"

    save(client, form)

    agreement.refresh_from_db()
    assert (agreement.renewal_notice_days, agreement.renewal_notice_months) == (None, 6)
    assert agreement.notice_deadline(on=D(2030, 1, 1)) == D(2030, 2, 28)
    assert "6 months before the term ends" in client.get(agreement.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_changing_the_months_changes_only_the_agreement_row(client, office_user):
    agreement = auto_renewing(expires_on=D(2030, 8, 31), renewal_notice_months=6)
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    assert_one_change(
        client,
        url,
        "renewal_notice_months",
        "3",
        table="agreements.Agreement",
        pk=agreement.pk,
        fields={"renewal_notice_months"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"renewal_notice_months": "6"}, "Give the notice period in days or in months, not both."),
        (
            {"renewal_notice_days": "", "renewal_notice_months": "121"},
            "Ensure this value is less than or equal to 120.",
        ),
        (
            {"renewal_notice_days": "", "renewal_notice_months": "-1"},
            "Ensure this value is greater than or equal to 0.",
        ),
        ({"renewal_notice_days": "", "renewal_notice_months": "six"}, "Enter a whole number."),
        (
            {"auto_renews": None, "renewal_term_months": "", "renewal_notice_days": "", "renewal_notice_months": "6"},
            "A renewal term and notice period apply only to an agreement that renews automatically.",
        ),
    ],
)
def test_a_wrong_notice_period_is_refused_with_a_message_and_nothing_changes(client, office_user, changes, message):
    agreement = auto_renewing(expires_on=D(2030, 8, 31), renewal_notice_days=90)
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    data = RenderedForm.get(client, url).data()
    for name, value in changes.items():
        if value is None:
            data.pop(name)  # an unticked box is not sent
        else:
            data[name] = [value]  # "-1" and "six" only a page without its number box's rules sends

    response = client.post(url, data)

    assert response.status_code == 200
    assert message in form_errors(response)
    agreement.refresh_from_db()
    assert (agreement.renewal_notice_days, agreement.renewal_notice_months, agreement.auto_renews) == (90, None, True)


@pytest.mark.django_db
def test_any_single_change_of_an_agreement_in_months_changes_one_thing(client, office_user):
    agreement = auto_renewing(expires_on=D(2030, 8, 31), renewal_notice_months=6)
    client.force_login(office_user)
    check_any_single_change(client, reverse("agreements:agreement-edit", args=[agreement.pk]))


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_notice_periods_stated_in_days():
    executor = MigrationExecutor(connection)
    before, after = (
        [("agreements", "0008_condition_partner_related_name")],
        [("agreements", "0009_notice_period_in_months")],
    )
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    unit = old_apps.get_model("partners", "Unit").objects.create(name="Faculty of Law", kind="faculty")
    old_agreement = old_apps.get_model("agreements", "Agreement").objects.create(
        title="Memorandum in days",
        responsible_unit=unit,
        expires_on=D(2030, 8, 31),
        auto_renews=True,
        renewal_term_months=12,
        renewal_notice_days=184,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app as the other tests expect it

    agreement = Agreement.objects.get(pk=old_agreement.pk)
    assert (agreement.renewal_notice_days, agreement.renewal_notice_months) == (184, None)
