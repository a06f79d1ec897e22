"""What each role may do on each model, as sync_role_permissions gives it to the role's group
(the data migrations run it; here it is run again on groups stripped of everything)."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.apps.config import MODELS_MODULE_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import module_has_submodule

from cooperation import roles
from cooperation.lib.permissions import (
    holds_a_role,
    is_coordinator,
    is_office,
    owning_unit_id,
    role_holders,
    user_unit_id,
)
from cooperation.tests.factories import AgreementPartyFactory, InstitutionFactory, make_user


@pytest.fixture
def held(db):
    """{role: {"app.codename", ...}} after a sync from nothing but one stray permission."""
    Group.objects.filter(name__in=roles.ROLES).delete()
    stray = Group.objects.create(name=roles.RECTOR)
    stray.permissions.add(Permission.objects.get(codename="delete_agreement"))

    roles.sync_role_permissions(django_apps)

    return {
        role: {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        for role in roles.ROLES
    }


def domain_permissions() -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(content_type__app_label__in=roles.DOMAIN_APPS).values_list(
            "content_type__app_label", "codename"
        )
    }


class QueryBudgetSpent(Exception):
    pass


def test_the_roles_are_synced_in_a_few_queries_not_one_per_permission(db):
    """Each permission's model is read with it (one query for all), not looked up one by one: the
    budget stops the sync at the first query past it rather than after hundreds."""
    roles.sync_role_permissions(django_apps)  # the content types are cached from here on
    budget = 60
    assert Permission.objects.filter(content_type__app_label__in=roles.DOMAIN_APPS).count() > 2 * budget
    spent = 0

    def within_budget(execute, sql, params, many, context):
        nonlocal spent
        spent += 1
        if spent > budget:
            raise QueryBudgetSpent(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(within_budget):
        roles.sync_role_permissions(django_apps)


def test_the_office_may_do_everything_but_write_other_peoples_secrets(held):
    secrets = {
        f"cooperation.{verb}_{model}" for model in ("apitoken", "calendarfeedtoken") for verb in ("add", "change")
    }
    history_writes = {name for name in domain_permissions() if "_historical" in name and ".view_" not in name}
    assert held[roles.OFFICE] == domain_permissions() - secrets - history_writes


def test_the_rectors_office_only_reads_and_never_the_secrets(held):
    assert all(".view_" in name for name in held[roles.RECTOR])
    assert "agreements.view_agreement" in held[roles.RECTOR]
    assert "agreements.delete_agreement" not in held[roles.RECTOR]  # the stray permission is gone
    assert "cooperation.view_apitoken" not in held[roles.RECTOR]
    assert "cooperation.view_calendarfeedtoken" not in held[roles.RECTOR]


def test_a_coordinator_enters_records_but_deletes_only_the_rows_inside_them(held):
    coordinator = held[roles.COORDINATOR]
    assert {"agreements.view_agreement", "agreements.add_agreement", "agreements.change_agreement"} <= coordinator
    assert "agreements.delete_agreement" not in coordinator
    assert {"agreements.add_agreementparty", "agreements.delete_agreementparty"} <= coordinator
    assert "mobility.delete_participant" in coordinator
    assert "mobility.delete_program" not in coordinator


def test_a_coordinator_reads_the_offices_reference_lists_but_does_not_change_them(held):
    coordinator = held[roles.COORDINATOR]
    assert "partners.view_unit" in coordinator
    assert not {"partners.add_unit", "partners.change_unit", "partners.delete_unit"} & coordinator
    assert "cooperation.view_importbatch" in coordinator
    assert not {"cooperation.add_importbatch", "cooperation.change_importbatch"} & coordinator
    # A child row the office alone maintains is still not deleted by a coordinator.
    assert "cooperation.delete_reminder" not in coordinator


def test_nobody_but_the_office_holds_a_permission_on_the_users_secrets(held):
    for model in ("apitoken", "calendarfeedtoken"):
        assert held[roles.OFFICE] & {f"cooperation.{verb}_{model}" for verb in ("add", "change", "delete", "view")} == {
            f"cooperation.view_{model}",
            f"cooperation.delete_{model}",
        }
        for role in (roles.COORDINATOR, roles.RECTOR):
            assert not {name for name in held[role] if name.endswith(f"_{model}")}


def test_audit_history_is_read_by_every_role_and_written_by_none(held):
    for role in roles.ROLES:
        assert "agreements.view_historicalagreement" in held[role]
        assert not {name for name in held[role] if "_historical" in name and ".view_" not in name}


def test_each_role_alone_is_enough_to_read_the_portal(db, faculty):
    for role in roles.ROLES:
        assert holds_a_role(make_user(f"only-{len(role)}", role, unit=faculty))
    assert not holds_a_role(make_user("no-role"))


def test_the_holders_of_a_role_are_its_active_members_and_superusers_count_as_the_office(db, faculty):
    office = make_user("office", roles.OFFICE)
    coordinator = make_user("coordinator", roles.COORDINATOR, unit=faculty)
    make_user("gone", roles.COORDINATOR, unit=faculty, is_active=False)
    make_user("rector", roles.RECTOR)
    admin = make_user("admin", is_superuser=True)

    def names(*role_names):
        return set(role_holders(*role_names).values_list("username", flat=True))

    assert names(roles.COORDINATOR) == {coordinator.username}
    assert names(roles.OFFICE) == {office.username, admin.username}
    assert names(roles.OFFICE, roles.COORDINATOR) == {office.username, admin.username, coordinator.username}


def test_a_users_role_names_are_read_from_the_database_once(db, faculty, django_assert_num_queries):
    user = get_user_model().objects.get(pk=make_user("coordinator", roles.COORDINATOR, unit=faculty).pk)

    with django_assert_num_queries(1):
        assert holds_a_role(user) and is_coordinator(user) and not is_office(user)


def test_an_administrator_without_a_profile_belongs_to_no_unit(db):
    admin = get_user_model().objects.create_superuser("root", "root@university.example", "secret")

    assert user_unit_id(get_user_model().objects.get(pk=admin.pk)) is None


def test_a_shared_record_belongs_to_no_unit_and_a_units_record_to_its_unit(db, faculty):
    assert owning_unit_id(InstitutionFactory()) is None
    assert owning_unit_id(AgreementPartyFactory(agreement__responsible_unit=faculty)) == faculty.pk


def test_a_permission_missing_from_the_database_is_created_and_given_to_the_roles(db, capsys):
    """A model added since: its permissions are made by the sync itself (the data migration runs
    before Django would make them), quietly, and the real app registry is left as it was."""
    Permission.objects.filter(content_type__app_label="agreements", codename="view_quota").delete()

    roles.sync_role_permissions(django_apps)

    for role in roles.ROLES:
        assert Group.objects.get(name=role).permissions.filter(codename="view_quota").exists(), role
    # Each app keeps its own models module (Django reads it to find the app's models), as
    # Django set it at start-up: compared with the module itself, not with a copy taken before
    # the sync, which an earlier sync in the same process could already have spoilt.
    for config in django_apps.get_app_configs():
        has_models = module_has_submodule(config.module, MODELS_MODULE_NAME)
        expected = import_module(f"{config.name}.{MODELS_MODULE_NAME}") if has_models else None
        assert config.models_module is expected, config.label
    assert capsys.readouterr().out == ""


def test_a_data_migration_creates_the_permissions_of_the_models_it_knows(db):
    """The migrations' registry has no models module, which would make Django skip the app."""
    migration_apps = MigrationExecutor(connection).loader.project_state().apps
    Permission.objects.filter(content_type__app_label="mobility", codename="change_participant").delete()

    roles.sync_role_permissions(migration_apps)

    assert Group.objects.get(name=roles.OFFICE).permissions.filter(codename="change_participant").exists()
    assert Group.objects.get(name=roles.COORDINATOR).permissions.filter(codename="change_participant").exists()
