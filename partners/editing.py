"""Entering and editing a partner institution with its name variants, and its contacts.

A new institution whose name resembles an existing one is not saved at the first attempt: the
page shows the likely duplicates (partners.selectors.likely_duplicates) and saves only once
the user confirms it is a different institution."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import UpdateView

from cooperation.lib.views import ChangePermissionMixin, ErrorSummaryMixin, FormPageMixin
from partners.forms import ContactForm, InstitutionForm, InstitutionNameFormSet
from partners.models import Contact, Institution, InstitutionName
from partners.selectors import likely_duplicates


class InstitutionEditView(ChangePermissionMixin, FormPageMixin, UpdateView):
    model = Institution
    form_class = InstitutionForm
    template_name = "partners/institution_form.html"
    new_title = _lazy("New partner")
    edit_title = _lazy("Edit partner")
    list_url_name = "partners:institution-list"
    list_title = _lazy("Partners")

    def dispatch(self, request, *args, **kwargs):
        # A merged partner lives on in the one it was merged into (partners/merging.py).
        survivor_id = (
            kwargs.get("pk")
            and Institution.objects.filter(pk=kwargs["pk"]).values_list("merged_into", flat=True).first()
        )
        if survivor_id:
            return redirect("partners:institution-edit", pk=survivor_id)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return super().get_object(queryset) if self.kwargs.get("pk") else None

    def get_names_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return InstitutionNameFormSet(data, instance=self.object or Institution(), prefix="names")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("names_formset", self.get_names_formset())
        return super().get_context_data(**kwargs)

    def likely_duplicates(self, form, names_formset) -> list:
        data = form.cleaned_data
        names = [(data["name"], False), (data.get("short_name", ""), True)]
        names += [
            (row.cleaned_data.get("name", ""), row.cleaned_data.get("kind") == InstitutionName.Kind.ACRONYM)
            for row in names_formset
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        identifiers = {field: data.get(field, "") for field in ("erasmus_code", "pic", "schac_id", "website")}
        return likely_duplicates(
            names=names, identifiers=identifiers, exclude_id=self.object.pk if self.object else None
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        names_formset = self.get_names_formset()
        if not (form.is_valid() and names_formset.is_valid()):
            messages.error(request, _("The partner was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form, names_formset=names_formset))
        if self.object is None and not form.cleaned_data["confirm_not_duplicate"]:
            duplicates = self.likely_duplicates(form, names_formset)
            if duplicates:
                messages.warning(request, _("This partner may already be here. Check the list below before saving."))
                return self.render_to_response(
                    self.get_context_data(form=form, names_formset=names_formset, duplicates=duplicates)
                )
        try:
            with transaction.atomic():
                institution = form.save_record(user=request.user)
                names_formset.instance = institution
                names_formset.save()
        except IntegrityError:
            # The forms check identifiers and names first; this is another user saving the same
            # Erasmus code, PIC or SCHAC id between our check and our save. Check again, on fresh
            # forms (the failed save changed the old ones' instances), to name the field.
            self.object = self.get_object()
            form, names_formset = self.get_form(), self.get_names_formset()
            if form.is_valid() and names_formset.is_valid():
                form.add_error(None, _("Another user has just saved the same data. Check the partner and save again."))
            messages.error(request, _("The partner was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form, names_formset=names_formset))
        messages.success(request, _("The partner is saved."))
        return redirect(institution)


class ContactEditView(ChangePermissionMixin, ErrorSummaryMixin, UpdateView):
    """A contact, always under its institution: /partners/<institution>/contacts/..."""

    model = Contact
    form_class = ContactForm
    template_name = "partners/contact_form.html"
    pk_url_kwarg = "contact_pk"

    def dispatch(self, request, *args, **kwargs):
        self.institution = get_object_or_404(Institution, pk=kwargs["pk"])
        if self.institution.merged_into_id:  # its contacts moved with the merge
            survivor_kwargs = {**kwargs, "pk": self.institution.merged_into_id}
            name = "partners:contact-edit" if kwargs.get("contact_pk") else "partners:contact-create"
            return redirect(name, **survivor_kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        action = "change" if self.kwargs.get("contact_pk") else "add"
        return [f"partners.{action}_contact"]

    def get_queryset(self):
        return Contact.objects.filter(institution=self.institution)

    def get_object(self, queryset=None):
        return super().get_object(queryset) if self.kwargs.get("contact_pk") else None

    def get_context_data(self, **kwargs):
        return super().get_context_data(institution=self.institution, **kwargs)

    def form_valid(self, form):
        form.instance.institution = self.institution
        contact = form.save_record(user=self.request.user)
        messages.success(self.request, _("The contact is saved."))
        return redirect(self.institution.get_absolute_url() + f"#contact-{contact.pk}")

    def form_invalid(self, form):
        messages.error(self.request, _("The contact was not saved: correct the fields marked below."))
        return super().form_invalid(form)
