"""The agreement's edit page in a real browser: a three-party agreement with two signatories and
two quotas, saved once with one signatory's position changed and once untouched. Every party,
signatory and quota is still there afterwards, under the same id, and the history records only
what changed."""

import pytest
from playwright.sync_api import expect

from agreements.models import AgreementParty, Quota, Signatory
from conftest import log_in
from cooperation.tests.db_state import RowChange, changes_between, database_state
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Memorandum of Understanding on Academic Exchange"
GAZI = "Gazi University"
KAZNU = "Al-Farabi Kazakh National University"
NEW_POSITION = "Chairman of the Board – Rector"


@pytest.fixture
def agreement(university):
    agreement = AgreementFactory(title=TITLE, responsible_unit=university)
    gazi = AgreementPartyFactory(
        agreement=agreement, institution=InstitutionFactory(name=GAZI, country="TR", city="Ankara"), order=0
    )
    kaznu = AgreementPartyFactory(
        agreement=agreement, institution=InstitutionFactory(name=KAZNU, country="KZ", city="Almaty"), order=1
    )
    AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=2)
    SignatoryFactory(party=gazi, full_name="Musa Yıldız", position="Rector")
    SignatoryFactory(party=kaznu, full_name="Zhansejit Tuimebayev", position="Rector", signed_on="2024-01-15")
    QuotaFactory(agreement=agreement, academic_year="2025/2026", places=4)
    QuotaFactory(
        agreement=agreement,
        academic_year="2025/2026",
        direction=Quota.Direction.INCOMING,
        places=2,
        subject_areas=["0613"],
    )
    return agreement


def ids(agreement) -> dict[str, set[int]]:
    return {
        "parties": set(agreement.parties.values_list("pk", flat=True)),
        "signatories": set(agreement.signatories.values_list("pk", flat=True)),
        "quotas": set(agreement.quotas.values_list("pk", flat=True)),
    }


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in (AgreementParty, Signatory, Quota)}


def open_edit_page(page, agreement):
    page.goto(agreement.get_absolute_url())
    page.get_by_role("group", name="Actions").get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit agreement")
    party_rows = page.locator("#parties-rows tr")
    # The three parties as stored, then the two empty rows for new ones.
    expect(party_rows).to_have_count(5)
    expect(party_rows.nth(0).get_by_label("Signed by")).to_have_value("Musa Yıldız")
    expect(party_rows.nth(1).get_by_label("Signed by")).to_have_value("Zhansejit Tuimebayev")
    expect(party_rows.nth(1).get_by_label("Position")).to_have_value("Rector")
    expect(party_rows.nth(2).get_by_label("or our unit")).to_have_value(str(agreement.responsible_unit_id))
    return party_rows


def save(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("The agreement is saved.")).to_be_visible()


def assert_detail_page_shows_everything(page, university, kaznu_position: str):
    parties = page.locator("section[aria-labelledby=parties-heading]")
    expect(parties.get_by_role("listitem")).to_have_count(3)
    expect(parties.get_by_role("listitem").filter(has_text=university.name)).to_have_count(1)
    expect(parties.get_by_role("link", name=GAZI, exact=True)).to_be_visible()
    expect(parties.get_by_role("link", name=KAZNU, exact=True)).to_be_visible()

    signatories = page.locator("section[aria-labelledby=signatories-heading] tbody tr")
    expect(signatories).to_have_count(2)
    gazi_row = signatories.filter(has=page.get_by_role("rowheader", name="Musa Yıldız", exact=True))
    kaznu_row = signatories.filter(has=page.get_by_role("rowheader", name="Zhansejit Tuimebayev", exact=True))
    expect(gazi_row.locator("td")).to_have_text(["Rector", GAZI, "—"])
    expect(kaznu_row.locator("td").nth(0)).to_have_text(kaznu_position)
    expect(kaznu_row.locator("td").nth(1)).to_have_text(KAZNU)
    expect(kaznu_row.locator("td").nth(2)).not_to_have_text("—")

    quotas = page.locator("section[aria-labelledby=quotas-heading] tbody tr")
    expect(quotas).to_have_count(2)
    # Incoming first: the partners send, we receive.
    expect(quotas.nth(0).locator("td")).to_have_text(
        [
            "2025/2026",
            "Student studies",
            "each partner",
            "us",
            "2",
            "",
            "0613 Software and applications development and analysis",
            "",
            "",
        ]
    )
    expect(quotas.nth(1).locator("td")).to_have_text(
        ["2025/2026", "Student studies", "us", "each partner", "4", "", "", "", ""]
    )


def test_changing_one_signatorys_position_keeps_every_party_signatory_and_quota(
    page, office_user, university, agreement
):
    kaznu_signatory = agreement.signatories.get(full_name="Zhansejit Tuimebayev")
    log_in(page, office_user.username)
    before_ids, before_history, before = ids(agreement), history_counts(), database_state()

    party_rows = open_edit_page(page, agreement)
    party_rows.nth(1).get_by_label("Position").fill(NEW_POSITION)
    save(page)

    assert_detail_page_shows_everything(page, university, kaznu_position=NEW_POSITION)
    assert ids(agreement) == before_ids
    assert history_counts() == {**before_history, "Signatory": before_history["Signatory"] + 1}
    entry = Signatory.history.latest("history_id")
    assert (entry.id, entry.history_type, entry.position, entry.history_user) == (
        kaznu_signatory.pk,
        "~",
        NEW_POSITION,
        office_user,
    )
    # Nothing else in the database moved: the one signatory's position, and its history entry.
    assert changes_between(before, database_state()) == [
        RowChange("agreements.HistoricalSignatory", entry.history_id, "added"),
        RowChange("agreements.Signatory", kaznu_signatory.pk, "changed", ("position",)),
    ]
    assert agreement.signatories.get(full_name="Musa Yıldız").position == "Rector"
    assert page.console_errors == [] and page.external_requests == []


def test_an_untouched_save_keeps_everything_and_records_no_history(page, office_user, university, agreement):
    log_in(page, office_user.username)
    before_ids, before_history, before = ids(agreement), history_counts(), database_state()

    open_edit_page(page, agreement)
    save(page)

    assert_detail_page_shows_everything(page, university, kaznu_position="Rector")
    assert ids(agreement) == before_ids
    assert history_counts() == before_history
    assert changes_between(before, database_state()) == []
    assert page.console_errors == [] and page.external_requests == []
