"""Django admin: every model administered, search by any name, and the roles respected."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation import roles
from cooperation.tests.db_state import KEPT_COUNTS
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    make_user,
)

DOMAIN_APPS = {"partners", "agreements", "mobility", "cooperation"}


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def domain_models():
    return [model for model in admin.site._registry if model._meta.app_label in DOMAIN_APPS]


def test_every_model_of_the_portal_is_administered():
    from django.apps import apps

    registered = set(admin.site._registry)
    missing = [
        model.__name__
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in registered
        and not model.__name__.startswith("Historical")
        and model._meta.label not in KEPT_COUNTS
    ]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", domain_models(), ids=lambda model: model.__name__)
def test_every_changelist_opens_for_an_administrator(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(changelist_url(model)).status_code == 200


@pytest.fixture
def hacettepe(db):
    institution = InstitutionFactory(name="Hacettepe University", short_name="HU", country="TR")
    InstitutionNameFactory(institution=institution, name="Hacettepe Üniversitesi", language="tr")
    InstitutionNameFactory(institution=institution, name="Университет Хаджеттепе", language="ru")
    return institution


@pytest.fixture
def urumqi(db):
    institution = InstitutionFactory(name="Urumqi Vocational University", country="CN")
    InstitutionNameFactory(institution=institution, name="Урумчийский профессиональный университет", language="ru")
    InstitutionNameFactory(institution=institution, name="乌鲁木齐职业大学", language="zh")
    return institution


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hacettepe", "Hacettepe University"),
        ("ÜNIVERSITESI", "Hacettepe University"),
        ("Хаджеттепе", "Hacettepe University"),
        ("Урумчи", "Urumqi Vocational University"),
        ("乌鲁木齐", "Urumqi Vocational University"),
    ],
)
def test_the_institution_search_finds_any_name(client, admin_user, hacettepe, urumqi, query, expected):
    InstitutionFactory(name="Gazi University")
    client.force_login(admin_user)
    response = client.get(changelist_url(hacettepe.__class__), {"q": query})
    assert [institution.name for institution in response.context["cl"].result_list] == [expected]


def test_an_agreement_is_found_by_its_partners_name_in_another_script(client, admin_user, urumqi):
    agreement = AgreementFactory(title="Silk Road workshop agreement")
    AgreementPartyFactory(agreement=agreement, institution=urumqi)
    AgreementFactory(title="Something else")
    client.force_login(admin_user)
    response = client.get(changelist_url(agreement.__class__), {"q": "урумчи"})
    assert list(response.context["cl"].result_list) == [agreement]


def test_the_rectors_office_reads_but_cannot_change(client, rector):
    agreement = AgreementFactory()
    client.force_login(rector)
    change_url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    response = client.get(change_url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.post(change_url, {"title": "Changed"}).status_code == 403
    assert client.get(reverse("admin:agreements_agreement_add")).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title != "Changed"


def test_someone_who_is_not_staff_is_sent_to_the_admin_login(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_a_coordinator_changes_only_their_units_agreements(client, faculty, other_faculty):
    coordinator = make_user("faculty-coordinator", roles.COORDINATOR, unit=faculty, is_staff=True)
    ours, theirs = AgreementFactory(responsible_unit=faculty), AgreementFactory(responsible_unit=other_faculty)
    client.force_login(coordinator)
    ours_page = client.get(reverse("admin:agreements_agreement_change", args=[ours.pk]))
    theirs_page = client.get(reverse("admin:agreements_agreement_change", args=[theirs.pk]))
    assert b'name="_save"' in ours_page.content
    assert theirs_page.status_code == 200 and b'name="_save"' not in theirs_page.content
    assert client.post(reverse("admin:agreements_agreement_change", args=[theirs.pk]), {}).status_code == 403
    assert (
        client.post(reverse("admin:agreements_agreement_delete", args=[theirs.pk]), {"post": "yes"}).status_code == 403
    )


def test_deleting_an_institution_that_agreements_refer_to_is_refused_with_a_page(client, admin_user, hacettepe):
    AgreementPartyFactory(institution=hacettepe)
    client.force_login(admin_user)
    response = client.post(reverse("admin:partners_institution_delete", args=[hacettepe.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert b"would require deleting the following protected related objects" in response.content
    assert hacettepe.__class__.objects.filter(pk=hacettepe.pk).exists()


def test_the_agreement_changelist_does_not_grow_in_queries(client, admin_user):
    def make(count):
        for _ in range(count):
            AgreementPartyFactory(agreement=AgreementPartyFactory().agreement)

    client.force_login(admin_user)
    url = changelist_url(AgreementFactory._meta.model)
    make(3)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(27)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_only_the_office_sees_the_users_secret_tokens_in_the_admin(client, rector, coordinator, office_user):
    for model in ("calendarfeedtoken", "apitoken"):
        assert not rector.has_perm(f"cooperation.view_{model}")
        assert not coordinator.has_perm(f"cooperation.view_{model}")
        assert office_user.has_perm(f"cooperation.view_{model}")
        assert office_user.has_perm(f"cooperation.delete_{model}")  # to revoke a lost one
        assert not office_user.has_perm(f"cooperation.change_{model}")
    client.force_login(rector)
    assert client.get(reverse("admin:cooperation_apitoken_changelist")).status_code == 403


def test_a_merge_is_not_made_by_hand_in_the_admin(client, admin_user, hacettepe, urumqi):
    client.force_login(admin_user)
    page = client.get(reverse("admin:partners_institution_change", args=[urumqi.pk])).content.decode()
    assert 'name="merged_into"' not in page  # shown, not editable: merging goes through its page
