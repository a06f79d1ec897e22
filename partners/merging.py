"""Merging a duplicate partner institution into the one that stays (the survivor).

partners imports none of the apps above it, yet agreements, visits and programs point to an
institution. So what points at the duplicate is found through the model registry
(Institution._meta.related_objects): every foreign key and many-to-many link, whatever app it is
in, moves to the survivor. A row that would then break a unique constraint (the same agreement
with both institutions as parties, a visit or program linked to both) is folded into the
survivor's row instead: what referred to the dropped row is re-pointed to the kept one first, so
nothing is lost (the signatories of a dropped party sign for the survivor's party).

The duplicate itself is kept, marked merged_into and merged_at, so that old links redirect and
its history stays readable; Institution.objects.current() leaves it out of lists and searches.

The same code computes the preview (write=False) and performs the merge (write=True), so what
the preview lists is what the merge does.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cooperation.lib.history import save_with_history
from cooperation.lib.text import fold
from partners.models import Institution, InstitutionName

# Fields the survivor takes from the duplicate when it has none of its own.
CARRIED_FIELDS = ["erasmus_code", "pic", "schac_id", "website", "city"]
# Of those, the ones with a unique constraint: the duplicate gives them up when they move.
UNIQUE_IDENTIFIERS = {"erasmus_code", "pic", "schac_id"}


@dataclass
class MergeItem:
    record: str
    url: str = ""
    # Set when the row is not simply moved: what is done instead (a conflict resolved).
    note: str = ""


@dataclass
class MergeGroup:
    label: str
    items: list[MergeItem] = field(default_factory=list)


@dataclass
class MergeSummary:
    groups: list[MergeGroup] = field(default_factory=list)
    names_added: list[str] = field(default_factory=list)
    carried: list[tuple[str, str]] = field(default_factory=list)  # (field's verbose name, value)
    conflicts: list[str] = field(default_factory=list)

    @property
    def moved_count(self) -> int:
        return sum(len(group.items) for group in self.groups)

    def group(self, label: str) -> MergeGroup:
        for existing in self.groups:
            if existing.label == label:
                return existing
        self.groups.append(MergeGroup(label))
        return self.groups[-1]


def institution_merge_preview(*, duplicate: Institution, survivor: Institution) -> MergeSummary:
    """What institution_merge would do, without writing anything. Raises ValidationError when
    the merge would be refused."""
    return _merge(duplicate=duplicate, survivor=survivor, user=None, write=False)


def institution_merge(*, duplicate: Institution, survivor: Institution, user) -> MergeSummary:
    """Move everything that points to `duplicate` to `survivor`, give the survivor the
    duplicate's names and the identifiers it lacks, and mark the duplicate as merged. One
    transaction, both institutions and the moved rows locked; every changed record's history
    names `user`."""
    with transaction.atomic():
        # Lock in id order, so that two merges of the same pair cannot deadlock.
        locked = Institution.objects.select_for_update().in_bulk(sorted({duplicate.pk, survivor.pk}))
        if duplicate.pk not in locked or survivor.pk not in locked:
            raise ValidationError(_("The institution no longer exists."))
        return _merge(duplicate=locked[duplicate.pk], survivor=locked[survivor.pk], user=user, write=True)


def _merge(*, duplicate: Institution, survivor: Institution, user, write: bool) -> MergeSummary:
    _check_allowed(duplicate, survivor)
    summary = MergeSummary()
    reason = f"Merged {duplicate.name} (#{duplicate.pk}) into {survivor.name} (#{survivor.pk})"

    _merge_names(duplicate, survivor, summary, user=user, reason=reason, write=write)
    for relation in Institution._meta.related_objects:
        if relation.related_model is InstitutionName or _is_history_model(relation.related_model):
            continue  # names are merged above; history rows keep what was true then
        label = _relation_label(relation)
        _move_references(relation, duplicate, survivor, summary, label, user=user, reason=reason, write=write)
    _carry_fields(duplicate, survivor, summary, write=write)
    tags = [tag for tag in duplicate.tags.all() if tag not in set(survivor.tags.all())]
    if tags:
        summary.carried.append((str(Institution._meta.get_field("tags").verbose_name), ", ".join(map(str, tags))))

    if write:
        # The duplicate first: it gives up the unique identifiers before the survivor takes them.
        duplicate.merged_into = survivor
        duplicate.merged_at = timezone.now()
        for name in UNIQUE_IDENTIFIERS:
            if getattr(duplicate, name) and getattr(survivor, name) == getattr(duplicate, name):
                setattr(duplicate, name, "")
        save_with_history(duplicate, user=user, reason=reason)
        survivor._history_user, survivor._change_reason = user, reason
        try:
            if tags:
                survivor.tags.add(*tags)
        finally:
            del survivor._history_user, survivor._change_reason
        save_with_history(survivor, user=user, reason=reason)  # save() rebuilds search_text
    return summary


def _check_allowed(duplicate: Institution, survivor: Institution) -> None:
    if duplicate.pk == survivor.pk:
        raise ValidationError(_("An institution cannot be merged into itself: choose another partner."))
    if duplicate.merged_into_id:
        raise ValidationError(_("%(name)s has already been merged into another partner.") % {"name": duplicate.name})
    if survivor.merged_into_id:
        raise ValidationError(
            _("%(name)s has itself been merged into another partner: choose that one instead.")
            % {"name": survivor.name}
        )
    # The duplicate's children become the survivor's: if the survivor is one of the
    # duplicate's descendants, it would become its own ancestor.
    if duplicate.pk in _ancestor_ids(survivor):
        raise ValidationError(
            _(
                "%(survivor)s is part of %(duplicate)s: merging would make it part of itself. "
                "Change its “part of” first, or merge the other way round."
            )
            % {"survivor": survivor.name, "duplicate": duplicate.name}
        )


def _ancestor_ids(institution: Institution) -> set[int]:
    seen: set[int] = set()
    parent_id = institution.parent_id
    while parent_id and parent_id not in seen:  # `seen` also stops at a loop already in the data
        seen.add(parent_id)
        parent_id = Institution.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return seen


def _merge_names(duplicate, survivor, summary, *, user, reason, write) -> None:
    """The duplicate's official and short names and its variants become the survivor's variants,
    each once: a name the survivor already has (ignoring case and accents) is not added again."""
    label = capfirst(str(InstitutionName._meta.verbose_name_plural))
    known = {fold(name) for name in survivor.all_names()}
    for variant in _locked(InstitutionName.objects.filter(institution=duplicate), write).order_by("pk"):
        item = MergeItem(variant.name)
        summary.group(label).items.append(item)
        if fold(variant.name) in known:
            item.note = _("already a name of %(name)s: not added twice") % {"name": survivor.name}
            if write:
                variant._history_user, variant._change_reason = user, reason
                variant.delete()
            continue
        known.add(fold(variant.name))
        summary.names_added.append(variant.name)
        if write:
            variant.institution = survivor
            save_with_history(variant, user=user, reason=reason)
    for name in (duplicate.name, duplicate.short_name):
        if name and fold(name) not in known:
            known.add(fold(name))
            summary.names_added.append(name)
            if write:
                kind = InstitutionName.Kind.MERGED
                save_with_history(InstitutionName(institution=survivor, name=name, kind=kind), user=user, reason=reason)


def _carry_fields(duplicate, survivor, summary, *, write) -> None:
    for name in CARRIED_FIELDS:
        theirs, ours = getattr(duplicate, name), getattr(survivor, name)
        verbose = str(Institution._meta.get_field(name).verbose_name)
        if theirs and not ours:
            summary.carried.append((verbose, theirs))
            if write:
                setattr(survivor, name, theirs)  # saved by the caller
        elif theirs and ours and fold(theirs) != fold(ours) and name in UNIQUE_IDENTIFIERS:
            summary.conflicts.append(
                _("%(field)s differs: %(survivor)s keeps %(ours)s; %(theirs)s stays on the merged record.")
                % {"field": capfirst(verbose), "survivor": survivor.name, "ours": ours, "theirs": theirs}
            )
    # "Part of": taken over only when the survivor has none and it makes no loop.
    if duplicate.parent_id and not survivor.parent_id and duplicate.parent_id != survivor.pk:
        parent = duplicate.parent
        if survivor.pk not in _ancestor_ids(parent) | {parent.pk}:
            summary.carried.append((str(Institution._meta.get_field("parent").verbose_name), parent.name))
            if write:
                survivor.parent = parent


def _move_references(relation, old, new, summary, label, *, user, reason, write) -> None:
    """Point every row that refers to `old` through `relation` at `new` instead."""
    if relation.many_to_many:
        _move_m2m(relation, old, new, summary, label, user=user, reason=reason, write=write)
        return
    model, field_name = relation.related_model, relation.field.name
    rows = _locked(model._base_manager.filter(**{field_name: old}), write).order_by("pk")
    for row in rows:
        record, url = _describe(row, skip=type(old))
        item = MergeItem(record, url)
        summary.group(label).items.append(item)
        kept = _conflicting_row(row, relation.field, new, write=write)
        if kept is None:
            if write:
                setattr(row, field_name, new)
                save_with_history(row, user=user, reason=reason, update_fields=_update_fields(row, relation.field))
            continue
        # The survivor already has such a row: fold this one into it.
        inner = [rel for rel in model._meta.related_objects if not _is_history_model(rel.related_model)]
        referring = sum(_count_references(rel, row) for rel in inner)
        item.note = _("%(name)s already has this: the duplicate's row is merged into it") % {"name": new}
        if referring:
            item.note += " " + _("(linked rows that move with it: %(count)s)") % {"count": referring}
        summary.conflicts.append(f"{label}: {record} — {item.note}")
        if write:
            nested = MergeSummary()
            for rel in inner:
                _move_references(rel, row, kept, nested, "", user=user, reason=reason, write=True)
            row._history_user, row._change_reason = user, reason
            row.delete()


def _move_m2m(relation, old, new, summary, label, *, user, reason, write) -> None:
    """A many-to-many link: changed through the owner's manager (visit.partners), so that the
    owner's history of its links records the change and who made it."""
    through = relation.through
    if not through._meta.auto_created:
        return  # an explicit through model is a foreign key of its own, moved as such
    accessor = relation.field.name
    owners = _locked(relation.related_model._base_manager.filter(**{accessor: old}), write).order_by("pk")
    linked_to_new = set(relation.related_model._base_manager.filter(**{accessor: new}).values_list("pk", flat=True))
    for owner in owners:
        record, url = _describe(owner, skip=type(old))
        item = MergeItem(record, url)
        summary.group(label).items.append(item)
        if owner.pk in linked_to_new:
            item.note = _("already linked to %(name)s: the duplicate's link is removed") % {"name": new}
            summary.conflicts.append(f"{label}: {record} — {item.note}")
        if write:
            manager = getattr(owner, accessor)
            owner._history_user, owner._change_reason = user, reason
            try:
                manager.remove(old)
                if owner.pk not in linked_to_new:
                    manager.add(new)
            finally:
                del owner._history_user, owner._change_reason


def _conflicting_row(row, fk, new, *, write):
    """The row of the same model, already pointing at `new`, that `row` would duplicate under a
    unique constraint involving `fk`; None when moving `row` breaks none."""
    model = type(row)
    unique_sets = [(fk.name,)] if fk.unique else []
    unique_sets += [tuple(names) for names in model._meta.unique_together if fk.name in names]
    conditions = {}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and fk.name in constraint.fields:
            unique_sets.append(tuple(constraint.fields))
            conditions[tuple(constraint.fields)] = constraint.condition
    for names in unique_sets:
        lookup = {fk.name: new}
        for name in names:
            if name == fk.name:
                continue
            value = getattr(row, model._meta.get_field(name).attname)
            if value is None:
                break  # NULLs are never equal: this constraint cannot be broken
            lookup[model._meta.get_field(name).attname] = value
        else:
            candidates = model._base_manager.filter(**lookup).exclude(pk=row.pk)
            condition = conditions.get(names)
            if condition is not None:
                if not model._base_manager.filter(condition, pk=row.pk).exists():
                    continue  # the constraint does not apply to this row
                candidates = candidates.filter(condition)
            kept = _locked(candidates, write).first()
            if kept is not None:
                return kept
    return None


def _locked(queryset, write: bool):
    # Rows are locked only by the merge, inside its transaction: the preview runs outside one,
    # where PostgreSQL refuses SELECT ... FOR UPDATE.
    return queryset.select_for_update() if write else queryset


def _count_references(relation, row) -> int:
    return relation.related_model._base_manager.filter(**{relation.field.name: row}).count()


def _update_fields(row, fk) -> list[str]:
    # Only the moved field (and the "last updated" stamp): nothing else of the row is rewritten.
    stamps = [f.name for f in type(row)._meta.concrete_fields if getattr(f, "auto_now", False)]
    return [fk.name, *stamps]


def _describe(row, *, skip) -> tuple[str, str]:
    """What to call a row in the preview, and where it is shown: the row itself when it has a
    page, else the record it belongs to (an agreement party: its agreement)."""
    if hasattr(row, "get_absolute_url"):
        return str(row), row.get_absolute_url()
    for candidate in type(row)._meta.concrete_fields:
        if candidate.many_to_one and candidate.related_model is not skip:
            target = getattr(row, candidate.name)
            if target is not None and hasattr(target, "get_absolute_url"):
                return str(target), target.get_absolute_url()
    return str(row), ""


def _relation_label(relation) -> str:
    model = relation.related_model
    if model is Institution:
        # Every reference of a partner to a partner has its label here (a new one fails loudly).
        labels = {"parent": _("Child institutions"), "merged_into": _("Institutions merged into it earlier")}
        return labels[relation.field.name]
    label = capfirst(str(model._meta.verbose_name_plural))
    if not hasattr(model, "get_absolute_url"):
        # A row shown through the record it belongs to: "Agreements — parties".
        for candidate in model._meta.concrete_fields:
            if candidate.many_to_one and candidate.related_model is not Institution:
                owner = candidate.related_model
                if hasattr(owner, "get_absolute_url"):
                    return f"{capfirst(str(owner._meta.verbose_name_plural))} — {label.lower()}"
    return label


def _is_history_model(model) -> bool:
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)
