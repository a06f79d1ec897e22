"""The responsible person, owner and coordinator selects name our colleagues as the pages do: by
full name and unit, not by the user name they log in with; one who left keeps their name on the
records that name them."""

import lxml.html
import pytest
from django.urls import reverse

from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.entry_pages import assert_untouched_save_changes_nothing
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory, FollowUpActionFactory, make_user


def option_labels(html: str, name: str) -> dict[str, str]:
    select = lxml.html.fromstring(html).xpath(f'//form//select[@name="{name}"]')[0]
    return {option.get("value"): " ".join(option.text_content().split()) for option in select.iter("option")}


@pytest.fixture
def colleagues(faculty, office_user):
    office_user.first_name, office_user.last_name = "Dana", "Office"
    office_user.save()
    return {
        "with_unit": make_user("almenova", unit=faculty, first_name="Aigerim", last_name="Almenova"),
        "without_name": make_user("nurlan", first_name="", last_name=""),
        "left": make_user("left", unit=faculty, first_name="Former", last_name="Colleague", is_active=False),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "control"),
    [
        ("agreements:agreement-create", "responsible_person"),
        ("mobility:program-create", "coordinator"),
        ("cooperation:visit-create", "responsible_person"),
        ("cooperation:visit-create", "participants-0-user"),
        ("cooperation:visit-create", "actions-0-owner"),
    ],
)
def test_each_select_shows_full_names_and_units(client, office_user, colleagues, url_name, control):
    client.force_login(office_user)
    html = client.get(reverse(url_name)).content.decode()
    labels = option_labels(html, control)

    assert labels[str(colleagues["with_unit"].pk)] == "Aigerim Almenova (Faculty of Engineering)"
    assert labels[str(office_user.pk)] == "Dana Office"
    assert labels[str(colleagues["without_name"].pk)] == "nurlan"  # entered without a name
    assert str(colleagues["left"].pk) not in labels  # who left is offered no more


@pytest.mark.django_db
def test_a_colleague_who_left_keeps_their_name_on_an_agreement_and_a_save_keeps_them(
    client, office_user, colleagues, faculty
):
    left = colleagues["left"]
    agreement = AgreementFactory(responsible_unit=faculty, responsible_person=left)
    AgreementPartyFactory(agreement=agreement)
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])

    form = RenderedForm.get(client, url)
    assert form["responsible_person"] == str(left.pk)
    assert option_labels(client.get(url).content.decode(), "responsible_person")[str(left.pk)] == (
        "Former Colleague (Faculty of Engineering)"
    )
    assert_untouched_save_changes_nothing(client, url)


@pytest.mark.django_db
def test_the_visit_page_costs_no_query_per_colleague(client, office_user, faculty, django_assert_max_num_queries):
    action = FollowUpActionFactory(owner=office_user)
    client.force_login(office_user)
    url = reverse("cooperation:visit-edit", args=[action.visit.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for number in range(20):
        make_user(f"colleague-{number}", unit=faculty, first_name="Colleague", last_name=str(number))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
