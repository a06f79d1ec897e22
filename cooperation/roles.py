"""The three roles of the portal, as Django groups, and what each may do.

The groups and their model permissions are created by a data migration
(cooperation/migrations/0002_roles.py) and brought up to date by later migrations that add
models, through sync_role_permissions(). Object-level rules (a coordinator edits only their
unit's records) are in cooperation.lib.permissions.
"""

OFFICE = "International office"
COORDINATOR = "Faculty coordinator"
RECTOR = "Rector's office"
ROLES = (OFFICE, COORDINATOR, RECTOR)

DOMAIN_APPS = ("partners", "agreements", "mobility", "cooperation")

# Reference lists that only the office (and administrators) maintain.
OFFICE_ONLY_MODELS = {
    "partners.unit",
    "partners.profile",
    "partners.tag",
    "agreements.areaofcooperation",
    # The reminder machinery: coordinators read their notifications, the office runs the rest.
    "cooperation.reminder",
    "cooperation.notification",
    "cooperation.reminderpolicy",
    "cooperation.sweeprun",
    # Imports write hundreds of shared records at once (cooperation/importing/views.py says why).
    "cooperation.importbatch",
}
# A user's own secrets (hashed): each user makes and revokes theirs on their calendar page; in the
# admin only the office sees them, to revoke a lost one. No other role holds any permission.
PERSONAL_SECRET_MODELS = {"cooperation.calendarfeedtoken", "cooperation.apitoken"}
# Rows that live inside a coordinator's record and are added and removed with it.
CHILD_MODELS = {
    "agreements.agreementparty",
    "agreements.signatory",
    "agreements.quota",
    "agreements.agreementdocument",
    "agreements.documentversion",
    "cooperation.visitparticipant",
    "cooperation.outcome",
    "cooperation.followupaction",
    "cooperation.gift",
    "mobility.participant",
}


def role_codenames(model_key: str, model_name: str) -> dict[str, set[str]]:
    """The permission codenames each role holds on one model ("app_label.modelname")."""
    view = {f"view_{model_name}"}
    if model_name.startswith("historical"):
        # Audit history is read, never written, by anyone.
        return {OFFICE: view, COORDINATOR: view, RECTOR: view}
    write = {f"add_{model_name}", f"change_{model_name}"}
    delete = {f"delete_{model_name}"}
    if model_key in PERSONAL_SECRET_MODELS:
        return {OFFICE: view | delete, COORDINATOR: set(), RECTOR: set()}
    coordinator = set(view)
    if model_key not in OFFICE_ONLY_MODELS:
        coordinator |= write
        if model_key in CHILD_MODELS:
            coordinator |= delete
    return {OFFICE: view | write | delete, COORDINATOR: coordinator, RECTOR: view}


def sync_role_permissions(apps, schema_editor=None) -> None:
    """Create the groups and give them exactly the permissions above (idempotent)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; a data migration needs them now.
    # (A migration's app configs have no models module; the real registry's must be left as is.)
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted: dict[str, set[int]] = {OFFICE: set(), COORDINATOR: set(), RECTOR: set()}
    for permission in Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).select_related("content_type"):
        model_name = permission.content_type.model
        model_key = f"{permission.content_type.app_label}.{model_name}"
        for role, codenames in role_codenames(model_key, model_name).items():
            if permission.codename in codenames:
                wanted[role].add(permission.pk)
    for role, permission_ids in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permission_ids)
