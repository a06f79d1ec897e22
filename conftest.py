"""The shared cast of the test suite (after healthchecks): each role, and an outsider who must
be refused. Services that CI must have (PostgreSQL, Redis) fail the run when REQUIRE_SERVICES
is set instead of skipping."""

import os

import pytest

from cooperation import roles
from cooperation.tests.factories import UnitFactory, make_user
from partners.models import Unit

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in ("1", "true", "yes")


def service_missing(what: str) -> None:
    """Skip on a laptop without the service; fail in CI, where it must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES is set) but not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture
def university(db):
    return UnitFactory(name="International Engineering and Technology University", short_name="METU", kind=Unit.Kind.UNIVERSITY)


@pytest.fixture
def faculty(university):
    return UnitFactory(name="Faculty of Engineering", parent=university)


@pytest.fixture
def other_faculty(university):
    return UnitFactory(name="Faculty of Economics", parent=university)


@pytest.fixture
def office_user(db):
    return make_user("staff", roles.OFFICE)


@pytest.fixture
def coordinator(faculty):
    return make_user("coordinator", roles.COORDINATOR, unit=faculty)


@pytest.fixture
def other_coordinator(other_faculty):
    return make_user("other-coordinator", roles.COORDINATOR, unit=other_faculty)


@pytest.fixture
def rector(db):
    return make_user("rector", roles.RECTOR, is_staff=True)


@pytest.fixture
def outsider(db):
    """Logged in, but in no role."""
    return make_user("outsider")


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)
