"""Every URL of the portal, generated from the URL configuration, refuses an anonymous visitor
and a user without a role; the rector's office reads every page and is refused every write.
A new URL without a rule fails."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cooperation.tests import factories

# URLs that anyone may open, and why.
PUBLIC = {
    "healthz",  # load balancers ask it
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",  # choosing a language before logging in
    # The API's schema and documentation hold no data, and the public list of partners is for
    # the university website (rate-limited; its fields are pinned in test_api.py).
    "api:schema",
    "api:docs",
    "api:public-partners",
}
# URLs that need a logged-in user but no role.
ANY_USER = {"password_change", "password_change_done"}
# A calendar application cannot log in: the feed's secret token is its address, so there is no
# session to test here. test_calendar_feed.py tests it (unknown token 404, revoked 403).
TOKEN_IN_URL = {"calendar-feed"}
# The API is called by scripts, which get 401 (with WWW-Authenticate) rather than a redirect to
# the login page; logged in through a session, the same role rules as the pages hold.
API = {
    "api:institution-list",
    "api:institution-detail",
    "api:agreement-list",
    "api:agreement-detail",
    "api:visit-list",
    "api:visit-detail",
    "api:program-list",
    "api:program-detail",
}

# For each URL name with arguments: how to make the object it shows (URL name -> factory). A
# factory returns the object (its pk is the one argument) or, for a nested URL, the list of arguments.
OBJECT_FACTORIES = {
    "partners:institution-detail": factories.InstitutionFactory,
    "agreements:agreement-detail": factories.AgreementFactory,
    "cooperation:visit-detail": factories.VisitFactory,
    "mobility:program-detail": factories.ProgramFactory,
    "agreements:agreement-edit": factories.AgreementFactory,
    "agreements:agreement-iia": factories.AgreementFactory,
    # A partner's IIA document kept in the session under a token: here a token that names none.
    "agreements:iia-compared": lambda: ["no-such-upload"],
    "agreements:iia-action": lambda: ["no-such-upload", 1, "take"],
    "agreements:iia-approval": factories.AgreementFactory,
    "cooperation:visit-edit": factories.VisitFactory,
    "mobility:program-edit": factories.ProgramFactory,
    "mobility:participant-status": lambda: [(person := factories.ParticipantFactory()).program_id, person.pk],
    "cooperation:action-done": lambda: [(action := factories.FollowUpActionFactory()).visit_id, action.pk],
    "agreements:agreement-status": factories.AgreementFactory,
    "agreements:document-upload": factories.AgreementFactory,
    "agreements:document-download": lambda: [
        (version := factories.DocumentVersionFactory()).document.agreement_id,
        version.pk,
    ],
    "agreements:agreement-renew": factories.AgreementFactory,
    "agreements:agreement-terminate": factories.AgreementFactory,
    "partners:institution-edit": factories.InstitutionFactory,
    "partners:contact-create": factories.InstitutionFactory,
    "partners:contact-edit": lambda: [(contact := factories.ContactFactory()).institution_id, contact.pk],
    "partners:institution-merge": factories.InstitutionFactory,
    "visit-ics": factories.VisitFactory,
    "api:institution-detail": factories.InstitutionFactory,
    "api:agreement-detail": factories.AgreementFactory,
    "api:visit-detail": factories.VisitFactory,
    "api:program-detail": factories.ProgramFactory,
    "partners:institution-merge-preview": factories.InstitutionFactory,
    "importing:batch-detail": lambda: _import_batch(),
    "importing:batch-confirm": lambda: _import_batch(),
    "importing:batch-undo": lambda: _import_batch(),
    "importing:batch-encoding": lambda: _import_batch(),
}
# Pages that write: the rector's office is refused them, on GET (no form) and on POST.
WRITES = {
    "agreements:agreement-create",
    "agreements:agreement-edit",
    "cooperation:visit-create",
    "cooperation:visit-edit",
    "partners:institution-create",
    "partners:institution-edit",
    "partners:contact-create",
    "partners:contact-edit",
    "partners:institution-merge",  # the international office only
    "partners:institution-merge-preview",
    "agreements:agreement-status",
    "agreements:agreement-renew",
    "agreements:agreement-terminate",
    "agreements:document-upload",
    "agreements:iia-action",
    "agreements:iia-approval",
    "cooperation:action-done",
    "mobility:participant-status",
    "mobility:program-create",
    "mobility:program-edit",
    # Imports: the international office only (cooperation/importing/views.py says why).
    "importing:batch-confirm",
    "importing:batch-undo",
    "importing:batch-encoding",
    *(
        f"importing:{kind}{page}"
        for kind in ("institutions", "contacts", "agreements", "participants")
        for page in ("", "-template")
    ),
}


def _import_batch():
    from django.utils import timezone

    from cooperation.importing.models import ImportBatch

    return ImportBatch.objects.create(
        kind="institutions",
        token=f"token-{ImportBatch.objects.count()}",
        file="imports/partners.xlsx",
        original_name="partners.xlsx",
        uploaded_by=factories.UserFactory(),
        uploaded_at=timezone.now(),
    )


def portal_urls(resolver=None, namespace=""):
    """(name, pattern) for every named URL outside the Django admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin checks its own permissions, tested in test_admin.py
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from portal_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


ALL_URLS = sorted(dict(portal_urls()).keys())


def url_for(name: str) -> str:
    from django.urls import reverse

    factory = OBJECT_FACTORIES.get(name)
    if factory is None:
        return reverse(name)
    made = factory()
    return reverse(name, args=made if isinstance(made, (list, tuple)) else [made.pk])


def test_every_url_has_a_rule():
    """Adding a URL means deciding who may use it: public, any user, or a factory for its object."""
    from django.urls import reverse
    from django.urls.exceptions import NoReverseMatch

    unruled = []
    for name in ALL_URLS:
        if name in PUBLIC or name in ANY_USER or name in OBJECT_FACTORIES or name in TOKEN_IN_URL:
            continue
        try:
            reverse(name)
        except NoReverseMatch:
            unruled.append(name)
    assert unruled == [], f"add these URLs to OBJECT_FACTORIES (or PUBLIC) in {__file__}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in ALL_URLS if name not in PUBLIC | TOKEN_IN_URL | API])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    url = url_for(name)
    response = client.get(url)
    assert response.status_code == 302, name
    assert response.url.startswith("/accounts/login/"), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(API))
def test_anonymous_api_callers_are_asked_to_authenticate(client, name):
    response = client.get(url_for(name))
    assert response.status_code == 401, name
    assert response["WWW-Authenticate"] == "Token", name


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in ALL_URLS if name not in PUBLIC | ANY_USER | TOKEN_IN_URL])
def test_a_user_without_a_role_is_refused(client, outsider, name):
    client.force_login(outsider)
    assert client.get(url_for(name)).status_code == 403, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in ALL_URLS if name not in PUBLIC | ANY_USER | TOKEN_IN_URL])
def test_the_rectors_office_reads_every_page_and_writes_none(client, rector, name):
    client.force_login(rector)
    url = url_for(name)
    if name in WRITES:
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    else:
        assert client.get(url).status_code == 200, name


# Partners and their contacts belong to no unit: coordinators keep them up to date too (roles.py).
NOT_OWNED_BY_A_UNIT = {"partners:contact-create", "partners:contact-edit", "partners:institution-edit"}
# The record an IIA action changes is known only from the document kept in the user's session, so
# a URL alone names none: agreements/ewp/tests/test_iia_actions.py refuses another unit's
# coordinator with an upload of their own.
OWNER_IN_THE_SESSION = {"agreements:iia-action"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(name for name in WRITES - NOT_OWNED_BY_A_UNIT - OWNER_IN_THE_SESSION if name in OBJECT_FACTORIES)
)
def test_a_coordinator_is_refused_every_write_on_another_units_record(client, other_coordinator, name):
    """The factories make each record in a unit of its own: never the coordinator's."""
    client.force_login(other_coordinator)
    url = url_for(name)
    assert client.get(url).status_code in {403, 405}, name  # 405: an action that is only POSTed
    assert client.post(url, {}).status_code == 403, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_office_opens_every_write_page(client, office_user, name):
    client.force_login(office_user)
    assert client.get(url_for(name)).status_code in {200, 405}, name  # 405: an action that is only POSTed
