"""A partner or an agreement that other records refer to cannot be deleted.

Foreign keys to them are on_delete=PROTECT, so Django refuses those deletes itself
(ProtectedError). Many-to-many links are not: deleting a partner would silently take it off
every visit and program it is linked to, and deleting an agreement would take it off the
visits it was signed during. This module refuses those deletes the same way, with the same
ProtectedError, on every delete path (Model.delete(), QuerySet.delete(), the admin), and
tells the admin's delete page which records stand in the way.

Unlike PROTECT (checked while Django collects what to delete), pre_delete runs inside the
delete's own transaction: nothing is deleted, but a caller that wants to go on after a refusal
inside its own transaction.atomic() wraps the delete in a savepoint (a nested atomic()).

cooperation/lib imports no app's models: the protected models are named by label.
"""

from django.apps import apps
from django.db.models import Model, ProtectedError
from django.db.models.signals import pre_delete
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# Models whose many-to-many referrers protect them, like a PROTECT foreign key does.
LINK_PROTECTED = ("partners.Institution", "agreements.Agreement")


def link_referrers(obj: Model) -> list[Model]:
    """The records linked to `obj` through a many-to-many field they own (the visits and
    programs of a partner, the visits an agreement was signed during). Empty for a model not
    in LINK_PROTECTED."""
    if obj._meta.label not in LINK_PROTECTED:
        return []
    found: list[Model] = []
    for relation in obj._meta.related_objects:
        if relation.many_to_many and relation.through._meta.auto_created:
            owners = relation.related_model._base_manager.filter(**{relation.field.name: obj}).order_by("pk")
            found.extend(owners)
    return found


def refuse_delete_when_linked(sender, instance, **kwargs) -> None:
    """pre_delete: raised before anything is deleted, inside the delete's transaction."""
    referrers = link_referrers(instance)
    if referrers:
        names = ", ".join(f"{capfirst(str(item._meta.verbose_name))} “{item}”" for item in referrers[:5])
        if len(referrers) > 5:
            names += " …"
        raise ProtectedError(
            _("%(record)s cannot be deleted: other records refer to it (%(names)s). Remove those links first.")
            % {"record": instance, "names": names},
            set(referrers),
        )


def connect() -> None:
    """Called once from CooperationConfig.ready()."""
    for label in LINK_PROTECTED:
        pre_delete.connect(
            refuse_delete_when_linked, sender=apps.get_model(label), dispatch_uid=f"link-protected-{label}"
        )
