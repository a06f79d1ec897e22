"""Outcomes per partner: on a trip to several partners a point agreed names the partner it
concerns (one of the visit's partners), and that partner's page lists it; a point of the whole
visit names none. Entry-page tests submit the form the page rendered."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from playwright.sync_api import expect

from conftest import log_in
from cooperation import roles
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state
from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory, UnitFactory, VisitFactory, make_user
from cooperation.visits.models import Outcome, Visit
from partners.models import Institution

NOT_A_PARTNER = "{name} is not one of the visit&#x27;s partners: add it under Partners first."


@pytest.fixture
def gazi(db):
    return InstitutionFactory(name="Gazi University", city="Ankara")


@pytest.fixture
def itu(db):
    return InstitutionFactory(name="Istanbul Technical University", city="Istanbul")


@pytest.fixture
def company(db):
    return InstitutionFactory(name="Bosphorus Cloud Systems", city="Istanbul", kind=Institution.Kind.COMPANY)


@pytest.fixture
def stranger(db):
    """A partner the trip did not visit."""
    return InstitutionFactory(name="Kaunas University of Technology", country="LT", city="Kaunas")


@pytest.fixture
def trip(university, gazi, itu, company):
    visit = VisitFactory(title="Delegation to Ankara and Istanbul", host_unit=university, city="Ankara", country="TR")
    visit.partners.set([gazi, itu, company])
    return visit


def edit_url(visit: Visit) -> str:
    return reverse("cooperation:visit-edit", args=[visit.pk])


def page_of(client, record) -> str:
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_outcome_may_name_a_partner_or_none_and_the_partner_is_protected(trip, gazi, stranger):
    concerning = Outcome.objects.create(visit=trip, text="A 3+1 double degree", institution=gazi)
    whole_visit = Outcome.objects.create(visit=trip, text="A joint Erasmus+ application")
    # (The entry page allows only the visit's partners; the foreign key alone protects any.)
    Outcome.objects.create(visit=trip, text="A summer school", institution=stranger)

    assert list(gazi.visit_outcomes.all()) == [concerning]
    assert whole_visit.institution is None
    with pytest.raises(ProtectedError):
        stranger.delete()


def test_an_outcome_naming_one_of_the_partners_is_shown_on_the_visit_and_on_that_partners_page_only(
    client, office_user, trip, gazi, itu, company
):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(trip))
    form["outcomes-0-text"] = "Extend the 3+1 double degree to information security."
    form["outcomes-0-institution"] = str(gazi.pk)
    form["outcomes-1-text"] = "A joint application to an Erasmus+ capacity building call."

    response = form.submit(client)

    assert response.status_code == 302, response.content.decode()[:3000]
    outcomes = list(trip.outcomes.order_by("pk"))
    assert [(outcome.text, outcome.institution) for outcome in outcomes] == [
        ("Extend the 3+1 double degree to information security.", gazi),
        ("A joint application to an Erasmus+ capacity building call.", None),
    ]
    visit_page = page_of(client, trip)
    assert (
        f'<a class="fw-semibold" href="{gazi.get_absolute_url()}">Gazi University</a>: '
        "Extend the 3+1 double degree to information security."
    ) in visit_page
    assert "A joint application to an Erasmus+ capacity building call." in visit_page
    gazi_page = page_of(client, gazi)
    assert "Outcomes of visits" in gazi_page
    assert "Extend the 3+1 double degree to information security." in gazi_page
    assert f'<a href="{trip.get_absolute_url()}">Delegation to Ankara and Istanbul</a>' in gazi_page
    # A point of the whole visit is on no partner's page, and a partner's point on no other's.
    assert "Erasmus+ capacity building" not in gazi_page
    for other in (itu, company):
        other_page = page_of(client, other)
        assert "No outcomes of visits concern this partner." in other_page
        assert "information security" not in other_page
        assert "Erasmus+ capacity building" not in other_page


def test_a_new_visit_names_its_partners_and_their_outcomes_in_one_submission(
    client, office_user, university, gazi, company
):
    client.force_login(office_user)
    form = RenderedForm.get(client, reverse("cooperation:visit-create"))
    form["title"] = "Delegation to Ankara and Istanbul"
    form["kind"] = Visit.Kind.OUTGOING_TRIP
    form["starts_on"] = "2025-11-10"
    form["ends_on"] = "2025-11-14"
    form["host_unit"] = str(university.pk)
    form["partners"] = [str(gazi.pk), str(company.pk)]
    form["outcomes-0-text"] = "Summer internships in cloud infrastructure."
    form["outcomes-0-institution"] = str(company.pk)

    response = form.submit(client)

    assert response.status_code == 302, response.content.decode()[:3000]
    visit = Visit.objects.get(title="Delegation to Ankara and Istanbul")
    assert [(outcome.text, outcome.institution) for outcome in visit.outcomes.all()] == [
        ("Summer internships in cloud infrastructure.", company)
    ]


def test_an_outcome_naming_a_partner_the_visit_does_not_have_is_refused_and_nothing_is_written(
    client, office_user, trip, stranger
):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(trip))
    form["title"] = "Delegation to Ankara, Istanbul and Kaunas"
    form["outcomes-0-text"] = "Exchange of engineering students."
    form["outcomes-0-institution"] = str(stranger.pk)
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The visit was not saved" in page
    assert NOT_A_PARTNER.format(name="Kaunas University of Technology") in page
    assert changes_between(before, database_state()) == []
    # The row is shown again as it was sent, for the user to correct.
    again = RenderedForm.from_html(page, edit_url(trip))
    assert again["outcomes-0-institution"] == str(stranger.pk)


def test_removing_a_partner_that_an_outcome_names_is_refused_unless_the_outcome_goes_too(
    client, office_user, trip, gazi, itu, company
):
    Outcome.objects.create(visit=trip, text="Guest lectures each semester.", institution=itu, order=1)
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(trip))
    form["partners"] = [str(gazi.pk), str(company.pk)]
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert NOT_A_PARTNER.format(name="Istanbul Technical University") in response.content.decode()
    assert changes_between(before, database_state()) == []

    form.check("outcomes-0-DELETE")
    response = form.submit(client)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(trip.partners.all()) == {gazi, company}
    assert not trip.outcomes.exists()


def test_an_unknown_partner_id_is_explained_not_a_server_error(client, office_user, trip):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(trip))
    form["outcomes-0-text"] = "Exchange of engineering students."
    form["outcomes-0-institution"] = "987654321"
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert changes_between(before, database_state()) == []


def test_an_untouched_save_of_a_visit_with_partner_outcomes_changes_nothing(client, office_user, trip, gazi, company):
    Outcome.objects.create(visit=trip, text="A 3+1 double degree\nin information security.", institution=gazi, order=1)
    Outcome.objects.create(visit=trip, text="Internships in cloud infrastructure.", institution=company, order=2)
    Outcome.objects.create(visit=trip, text="A joint Erasmus+ application.", order=3)
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(trip))
    assert [form[f"outcomes-{index}-institution"] for index in range(3)] == [str(gazi.pk), str(company.pk), ""]
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert changes_between(before, database_state()) == []
    assert RenderedForm.get(client, edit_url(trip)).values() == form.values()


def test_the_partner_page_shows_the_latest_20_outcomes_and_counts_them_all(client, office_user, gazi, stranger):
    visits = [VisitFactory(title=f"Visit {day:02}", starts_on=datetime.date(2025, 10, day)) for day in range(1, 26)]
    for visit in visits:
        visit.partners.set([gazi, stranger])
        Outcome.objects.create(visit=visit, text=f"Point of {visit.title}", institution=gazi)
        Outcome.objects.create(visit=visit, text=f"Stranger's point of {visit.title}", institution=stranger)
    client.force_login(office_user)

    response = client.get(gazi.get_absolute_url())

    outcomes = response.context["outcomes"]
    assert (len(outcomes), outcomes.total) == (20, 25)
    assert [outcome.text for outcome in outcomes][:2] == ["Point of Visit 25", "Point of Visit 24"]
    assert all(outcome.institution_id == gazi.pk for outcome in outcomes)
    page = response.content.decode()
    assert "The latest 20 of 25 are shown." in page
    assert f'href="/visits/?partner={gazi.pk}"' in page


def test_the_outcome_admin_shows_the_partner(client, admin_user, trip, gazi):
    outcome = Outcome.objects.create(visit=trip, text="A 3+1 double degree", institution=gazi)
    client.force_login(admin_user)

    changelist = client.get(reverse("admin:cooperation_outcome_changelist")).content.decode()
    visit_change = client.get(reverse("admin:cooperation_visit_change", args=[trip.pk])).content.decode()

    assert "Gazi University" in changelist
    assert 'name="outcomes-0-institution"' in visit_change
    assert f'<option value="{gazi.pk}" selected>' in visit_change
    assert outcome.text in visit_change


@pytest.mark.django_db
def test_the_demo_has_a_trip_to_five_universities_and_two_companies_with_their_outcomes():
    from cooperation.demo import demo_load

    demo_load(password="demo-password-for-tests")

    trip = Visit.objects.get(title="Delegation to universities and IT companies of Ankara and Istanbul")
    partners = set(trip.partners.all())
    kinds = sorted(partner.kind for partner in partners)
    assert kinds == [Institution.Kind.COMPANY] * 2 + [Institution.Kind.UNIVERSITY] * 5
    assert {partner.city for partner in partners} == {"Ankara", "Istanbul"}
    named = [outcome.institution for outcome in trip.outcomes.all()]
    assert None in named
    assert {institution for institution in named if institution} == partners


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_a_point_added_with_add_a_point_names_its_partner_by_search(page):
    make_user("staff", roles.OFFICE)
    gazi = InstitutionFactory(name="Gazi University", city="Ankara")
    InstitutionNameFactory(institution=gazi, name="Университет Гази", language="ru")
    company = InstitutionFactory(name="Bosphorus Cloud Systems", city="Istanbul", kind=Institution.Kind.COMPANY)
    trip = VisitFactory(title="Delegation to Ankara and Istanbul", host_unit=UnitFactory())
    trip.partners.set([gazi, company])
    log_in(page, "staff")
    page.goto(edit_url(trip))

    page.get_by_role("button", name="Add a point").click()  # a third row, copied from the template
    page.fill("#id_outcomes-2-text", "Extend the 3+1 double degree to information security.")
    select = page.locator("#id_outcomes-2-institution")
    search = select.locator("xpath=preceding-sibling::div[1]").get_by_role("combobox")
    search.fill("Гази")
    expect(page.locator("#id_outcomes-2-institution-matches [role=option]").first).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")  # nothing is chosen until the user picks a match
    expect(select).to_have_value(str(gazi.pk), timeout=5000)
    page.fill("#id_outcomes-0-text", "A joint Erasmus+ application.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Delegation to Ankara and Istanbul")
    expect(page.locator("#outcomes-heading + ol")).to_contain_text(
        "Gazi University: Extend the 3+1 double degree to information security."
    )
    assert [(outcome.text, outcome.institution_id) for outcome in trip.outcomes.order_by("pk")] == [
        ("A joint Erasmus+ application.", None),
        ("Extend the 3+1 double degree to information security.", gazi.pk),
    ]
    assert page.console_errors == [] and page.external_requests == []
