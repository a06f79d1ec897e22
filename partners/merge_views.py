"""Merging a duplicate partner into another: choose the partner that stays, see what will move,
confirm. The international office only: a merge rewrites records of every unit, so faculty
coordinators (who otherwise edit partners) and the rector's office are refused."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from cooperation.lib.permissions import is_office
from partners.autocomplete import AutocompleteSelect
from partners.merging import institution_merge, institution_merge_preview
from partners.models import Institution


class SurvivorForm(forms.Form):
    survivor = forms.ModelChoiceField(
        Institution.objects.current(),
        label=_lazy("The partner that stays"),
        help_text=_lazy("Everything recorded for this partner moves to the one you choose; its names are kept there."),
        widget=AutocompleteSelect("partners:institution-autocomplete"),
        error_messages={
            "required": _lazy("Choose the partner to merge into."),
            "invalid_choice": _lazy(
                "That partner cannot be chosen: it does not exist, is this one, or was merged into another."
            ),
        },
    )

    def __init__(self, *args, duplicate: Institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = Institution.objects.current().exclude(pk=duplicate.pk)
        self.fields["survivor"].widget.attrs["class"] = "form-select"


class OfficeOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return is_office(self.request.user)


class MergeMixin(OfficeOnlyMixin):
    def dispatch(self, request, *args, **kwargs):
        # Anonymous visitors and other roles are refused before the institution is even looked up.
        if not request.user.is_authenticated or not self.test_func():
            return self.handle_no_permission()
        self.duplicate = get_object_or_404(Institution, pk=kwargs["pk"])
        if self.duplicate.merged_into_id:
            messages.info(
                request,
                _("%(name)s has already been merged into this partner.") % {"name": self.duplicate.name},
            )
            return redirect(self.duplicate.merged_into)
        return super().dispatch(request, *args, **kwargs)

    def render_choose(self, form, status=200):
        return render(
            self.request,
            "partners/merge_choose.html",
            {"institution": self.duplicate, "form": form},
            status=status,
        )


class InstitutionMergeView(MergeMixin, View):
    """GET: choose the partner that stays. POST (from the preview): merge."""

    def get(self, request, pk):
        return self.render_choose(SurvivorForm(duplicate=self.duplicate))

    def post(self, request, pk):
        form = SurvivorForm(request.POST, duplicate=self.duplicate)
        if not form.is_valid():
            messages.error(request, _("The partners were not merged: correct the field marked below."))
            return self.render_choose(form)
        survivor = form.cleaned_data["survivor"]
        try:
            summary = institution_merge(duplicate=self.duplicate, survivor=survivor, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
            messages.error(request, _("The partners were not merged."))
            return self.render_choose(form)
        messages.success(
            request,
            _("%(duplicate)s was merged into %(survivor)s (records moved: %(count)s).")
            % {"duplicate": self.duplicate.name, "survivor": survivor.name, "count": summary.moved_count},
        )
        return redirect(survivor)


class InstitutionMergePreviewView(MergeMixin, View):
    """What the merge into the chosen partner will move and which conflicts it resolves."""

    def get(self, request, pk):
        if "survivor" not in request.GET:
            return self.render_choose(SurvivorForm(duplicate=self.duplicate))
        form = SurvivorForm(request.GET, duplicate=self.duplicate)
        if not form.is_valid():
            return self.render_choose(form)
        survivor = form.cleaned_data["survivor"]
        try:
            summary = institution_merge_preview(duplicate=self.duplicate, survivor=survivor)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_choose(form)
        return render(
            request,
            "partners/merge_preview.html",
            {"institution": self.duplicate, "survivor": survivor, "summary": summary},
        )
