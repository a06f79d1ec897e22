"""The check a reviewer runs on the demo data: the office opens the first page of each list,
follows each record to its page and from there to its edit page, and presses Save without
touching anything. Not one row of any table changes, and the edit page shows the same values
again. Then, on each edit page with rows (parties, quotas, name variants, participants, outcomes,
actions, gifts), one field of one stored row is changed: only that row changes.

Records are found as a person finds them, by the links the pages render, so whatever the demo
holds (and whatever a list puts first) is what is tested."""

import io
import re
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from agreements.models import Quota, Signatory
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state
from cooperation.tests.entry_pages import assert_one_change, form_errors
from cooperation.visits.models import FollowUpAction, Gift, Outcome, VisitParticipant
from mobility.models import Participant
from partners.models import InstitutionName

# Each list, and the paths of the records it lists.
LISTS = {
    "/partners/": re.compile(r"^/partners/\d+/$"),
    "/agreements/": re.compile(r"^/agreements/\d+/$"),
    "/visits/": re.compile(r"^/visits/\d+/$"),
    "/mobility/": re.compile(r"^/mobility/\d+/$"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def office(demo, db, client):
    """The demo's office user (who reads the portal in Russian), logged in."""
    client.force_login(get_user_model().objects.get(username="staff"))
    return client


def links(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    document = lxml.html.document_fromstring(response.content.decode())
    found = []
    for anchor in document.iter("a"):
        href = anchor.get("href")
        if href and not urlsplit(href).query and href not in found:
            found.append(href)
    return found


def records_listed(client, list_url: str) -> list[str]:
    """The records' pages the first page of the list links to."""
    records = [href for href in links(client, list_url) if LISTS[list_url].match(href)]
    assert records, f"{list_url} lists no records"
    return records


def edit_page_of(client, record_url: str) -> str:
    """The edit page the record's page links to."""
    edit_url = record_url + "edit/"
    assert edit_url in links(client, record_url), f"{record_url} has no link to {edit_url}"
    return edit_url


def untouched_save(client, url: str) -> list[str]:
    """What went wrong saving the page at `url` as rendered (nothing: [])."""
    form = RenderedForm.get(client, url)
    before = database_state()
    try:
        with transaction.atomic():
            response = form.submit(client)
    except Exception as error:  # a 500: named with its page, and the other records still checked
        return [f"{url}: {type(error).__name__}: {error}"]
    if response.status_code != 302:
        return [f"{url}: answered {response.status_code}, not a redirect: {form_errors(response)}"]
    problems = []
    changes = changes_between(before, database_state())
    if changes:
        problems.append(f"{url}: an untouched save changed {', '.join(map(str, changes))}")
    again = RenderedForm.get(client, url).values()
    differing = sorted(name for name in set(again) | set(form.values()) if again.get(name) != form.values().get(name))
    if differing:
        problems.append(
            f"{url}: renders other values after the save: "
            + "; ".join(f"{name}: {form.values().get(name)} -> {again.get(name)}" for name in differing[:10])
        )
    return problems


@pytest.mark.parametrize("list_url", list(LISTS))
def test_an_untouched_save_of_every_listed_record_changes_nothing(office, list_url):
    problems = []
    records = records_listed(office, list_url)
    for record_url in records:
        problems += untouched_save(office, edit_page_of(office, record_url))

    assert not problems, f"{len(problems)} problem(s) on {len(records)} records of {list_url}:\n" + "\n".join(problems)


# --- one field of one stored row ----------------------------------------------------------------


def signatory_of_party(form: RenderedForm, index: int) -> int:
    """The signatory a party row shows (the row names the party, not the signatory)."""
    agreement = re.fullmatch(r"/agreements/(\d+)/edit/", form.url)[1]
    party = {"institution": form[f"parties-{index}-institution"], "unit": form[f"parties-{index}-unit"]}
    found = Signatory.objects.filter(
        agreement=agreement,
        **{f"party__{key}_id": value for key, value in party.items() if value},
        full_name=form[f"parties-{index}-signatory_name"],
    )
    return found.values_list("pk", flat=True).get()


def with_suffix(text: str) -> str:
    return f"{text[:150]} (checked)".strip()


# For each kind of row: the control changed, its new value from the old, the model and field that
# must change, and how to find the row's primary key (else the row's id).
ROW_CHANGES = {
    "parties": ("signatory_position", with_suffix, Signatory, "position", signatory_of_party),
    "quotas": ("places", lambda old: str(int(old) + 1), Quota, "places", None),
    "names": ("name", with_suffix, InstitutionName, "name", None),
    "participants": {
        "/visits/": ("position", with_suffix, VisitParticipant, "position", None),
        "/mobility/": ("full_name", with_suffix, Participant, "full_name", None),
    },
    "outcomes": ("text", with_suffix, Outcome, "text", None),
    "actions": ("description", with_suffix, FollowUpAction, "description", None),
    "gifts": ("description", with_suffix, Gift, "description", None),
}


def stored_row_changes(form: RenderedForm, list_url: str):
    """(control, value, model, field, pk): a change of the first stored row of each of the page's
    formsets."""
    for name in form.names():
        if not name.endswith("-INITIAL_FORMS"):
            continue
        prefix = name.removesuffix("-INITIAL_FORMS")
        spec = ROW_CHANGES[prefix]
        control, new, model, field, find_pk = spec[list_url] if isinstance(spec, dict) else spec
        if prefix == "parties":
            # A plain formset, whose rows are the parties the page lists: the first with a
            # signatory (a position needs the name of who signed).
            rows = [
                index for index in range(int(form["parties-TOTAL_FORMS"])) if form[f"parties-{index}-signatory_name"]
            ]
        else:
            rows = list(range(int(form[name] or 0)))
        if rows:
            index = rows[0]
            pk = find_pk(form, index) if find_pk else int(form[f"{prefix}-{index}-id"])
            yield f"{prefix}-{index}-{control}", new(form[f"{prefix}-{index}-{control}"] or ""), model, field, pk


@pytest.mark.parametrize("list_url", list(LISTS))
def test_changing_one_field_of_one_stored_row_changes_only_that_row(office, list_url):
    problems, changed = [], 0
    for record_url in records_listed(office, list_url):
        url = edit_page_of(office, record_url)
        for control, value, model, field, pk in stored_row_changes(RenderedForm.get(office, url), list_url):
            # Each change from the record as stored: what one saved is rolled back before the next.
            with transaction.atomic():
                try:
                    assert_one_change(office, url, control, value, table=model._meta.label, pk=pk, fields={field})
                except AssertionError as error:
                    problems.append(f"{url}: {control} = {value!r}: {error}")
                transaction.set_rollback(True)
            changed += 1

    assert changed, f"no record listed on {list_url} has a stored row to change"
    assert not problems, f"{len(problems)} of {changed} row change(s) on {list_url} went wrong:\n" + "\n".join(problems)
