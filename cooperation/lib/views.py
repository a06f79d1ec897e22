"""Mixins shared by the apps' views."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import UpdateView

from cooperation.lib.forms import error_summary
from cooperation.lib.permissions import can_change, is_office, user_unit_id


class ViewPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Logged in and allowed to view this kind of record; anonymous users go to the login page."""

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        model = self.model or self.get_queryset().model
        return [f"{model._meta.app_label}.view_{model._meta.model_name}"]


class ChangePermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Allowed to add (no object) or change (an object) this kind of record, and, for a faculty
    coordinator, the record belongs to their unit. Everyone else logged in gets 403, on GET and
    POST alike, so a read-only role never even sees the form."""

    def get_permission_required(self):
        model = self.model
        action = "change" if self.kwargs.get("pk") else "add"
        return [f"{model._meta.app_label}.{action}_{model._meta.model_name}"]

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not can_change(self.request.user, obj):
            raise PermissionDenied
        return obj


class HistoryMixin:
    """Puts the record's history of changes (who, when, what) in the context of a detail page."""

    def get_context_data(self, **kwargs):
        from cooperation.lib.history import change_log

        return super().get_context_data(history=change_log(self.object), **kwargs)


class ErrorSummaryMixin:
    """Gives templates/includes/error_summary.html the errors of every form and formset the
    page shows (cooperation.lib.forms.error_summary)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["error_summary"] = error_summary(_forms_in(context))
        return context


class FormPageMixin(ErrorSummaryMixin):
    """What templates/form_page.html shows around an entry form: its title (new or edit), the
    list the record belongs to, and the summary of its errors."""

    new_title = ""
    edit_title = ""
    list_url_name = ""
    list_title = ""

    def get_context_data(self, **kwargs):
        page = {
            "title": self.edit_title if getattr(self, "object", None) else self.new_title,
            "list_url": reverse(self.list_url_name),
            "list_title": self.list_title,
        }
        return super().get_context_data(page=page, **kwargs)


def _forms_in(context) -> list:
    """The forms and formsets a page shows, in the order the view gave them."""
    found = []
    for value in context.values():
        values = value.values() if isinstance(value, dict) else [value]
        found += [item for item in values if isinstance(item, forms.BaseForm | forms.BaseFormSet)]
    return found


class RecordWithRowsEditView(ChangePermissionMixin, FormPageMixin, UpdateView):
    """One page that creates (no pk) or edits a record with its inline formsets, saved in one
    transaction or not at all. Subclasses set model, form_class, template_name, formset_classes
    ({prefix: inline formset class}), owner_field (the unit a coordinator is limited to) and
    the two messages."""

    formset_classes: dict = {}
    owner_field = ""
    saved_message = ""
    not_saved_message = ""

    def get_object(self, queryset=None):
        return super().get_object(queryset) if self.kwargs.get("pk") else None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.owner_field and not is_office(self.request.user):
            # A coordinator enters records of their own unit only.
            field = form.fields[self.owner_field]
            field.queryset = field.queryset.filter(pk=user_unit_id(self.request.user))
        return form

    def get_formsets(self) -> dict:
        data = self.request.POST if self.request.method == "POST" else None
        record = self.object or self.model()
        return {
            prefix: formset_class(data, instance=record, prefix=prefix)
            for prefix, formset_class in self.formset_classes.items()
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formsets", self.get_formsets())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        formsets = self.get_formsets()
        if not form.is_valid() or not all(formset.is_valid() for formset in formsets.values()):
            messages.error(request, self.not_saved_message)
            return self.render_to_response(self.get_context_data(form=form, formsets=formsets))
        with transaction.atomic():
            record = form.save_record(user=request.user)
            for formset in formsets.values():
                formset.instance = record
                formset.save()
        messages.success(request, self.saved_message)
        return redirect(record)
