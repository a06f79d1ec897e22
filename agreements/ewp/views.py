"""The agreement's EWP IIA document (the file, or the page that lists what is missing), a
partner's document compared with ours, and the three things the comparison offers: a new
agreement from their IIA, their conditions taken into ours, their copy recorded.

Nothing is written before the user confirms. The uploaded document is kept in the user's
session under a token (one upload at a time); each confirmation page and each confirmation
reads it again, validates it again and matches it again, so no condition ever travels in a
form field; the form carries only choices (which rows to take, the new agreement's title and
unit) and a fingerprint of our conditions that refuses a confirmation made on a stale page."""

import base64
import secrets
import zlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView
from django_countries import countries
from django_countries.fields import CountryField

from agreements.ewp.documents import DocumentError, refuse_if_too_large
from agreements.ewp.export import ExportRefused, exported_agreement, iia_document
from agreements.ewp.reading import (
    PartnerIia,
    compare_conditions,
    compare_identifiers,
    describe_kept,
    match_agreements,
    read_partner_iias,
)
from agreements.ewp.services import (
    IiaActionRefused,
    agreement_create_from_iia,
    agreement_party_record_partner_iia,
    agreement_take_partner_conditions,
    conditions_fingerprint,
    parties_conditions,
)
from agreements.models import Agreement, Quota
from cooperation.lib.permissions import can_change, changeable_by, is_office, user_unit_id
from cooperation.lib.views import ViewPermissionMixin
from partners.models import Institution, Unit

SESSION_KEY = "ewp_iia_upload"
ACTIONS = ("create", "take", "record")


class IiaExportView(ViewPermissionMixin, View):
    model = Agreement  # whoever may see the agreement may take its IIA

    def get(self, request, pk):
        try:
            agreement = exported_agreement(pk)
        except Agreement.DoesNotExist:
            raise Http404 from None
        try:
            document = iia_document(agreement)
        except ExportRefused as refused:
            return render(
                request,
                "agreements/iia_export_problems.html",
                {"agreement": agreement, "problems": refused.problems},
            )
        response = HttpResponse(document, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="iia-{agreement.pk}.xml"'
        return response


def keep_upload(request, name: str, data: bytes) -> str:
    """Keep the document in the session (compressed; IIA documents shrink to a tenth) and
    return its token; an earlier upload is dropped."""
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "token": token,
        "name": name,
        "data": base64.b64encode(zlib.compress(data)).decode(),
    }
    return token


def kept_upload(request, token: str) -> tuple[str, bytes] | None:
    kept = request.session.get(SESSION_KEY)
    if not kept or not secrets.compare_digest(kept["token"], token):
        return None
    return kept["name"], zlib.decompress(base64.b64decode(kept["data"]))


def compared(iias: list[PartnerIia]) -> list[PartnerIia]:
    """Each IIA matched to our agreement and compared with it, conditions and identifiers, in a
    fixed number of queries whatever the number of IIAs."""
    match_agreements(iias)
    conditions = parties_conditions([iia.party for iia in iias if iia.party is not None])
    for iia in iias:
        ours = conditions[iia.party.pk] if iia.party is not None else []
        iia.rows = compare_conditions(ours, iia.conditions)
        iia.identifiers = compare_identifiers(iia, iia.party)
        iia.fingerprint = conditions_fingerprint(ours)
        for condition in iia.conditions:
            condition["kept_text"] = describe_kept(condition["ewp_kept"])
    return iias


class IiaUploadForm(forms.Form):
    file = forms.FileField(label=_("The partner's IIA document (XML)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            refuse_if_too_large(uploaded.size)  # before reading it
            data = uploaded.read()
            self.data_read = data
            return read_partner_iias(data)
        except DocumentError as error:
            raise forms.ValidationError(str(error)) from None


def _may_create(user) -> bool:
    return user.has_perm("agreements.add_agreement")


class IiaCompareView(ViewPermissionMixin, FormView):
    """Upload a partner's IIA document and see it beside our agreement: nothing is written; the
    actions it offers each ask for confirmation first."""

    model = Agreement  # it reads; whoever may see agreements may compare
    form_class = IiaUploadForm
    template_name = "agreements/iia_compare.html"

    def get(self, request, *args, **kwargs):
        token = kwargs.get("token")
        if token is None:
            return super().get(request, *args, **kwargs)
        kept = kept_upload(request, token)
        if kept is None:
            return self.render_to_response(self.get_context_data(gone=True))
        name, data = kept
        try:
            iias = read_partner_iias(data)
        except DocumentError as error:  # the rules changed since it was kept
            return self.render_to_response(self.get_context_data(gone=True, error=str(error)))
        return self.render_to_response(self.get_context_data(**self.comparison(token, name, iias)))

    def comparison(self, token: str, name: str, iias: list[PartnerIia]) -> dict:
        user = self.request.user
        iias = compared(iias)
        for iia in iias:
            iia.may_change = iia.agreement is not None and can_change(user, iia.agreement)
        return {"iias": iias, "token": token, "file_name": name, "may_create": _may_create(user)}

    def form_valid(self, form):
        uploaded = form.cleaned_data["file"]
        name = form.files["file"].name
        token = keep_upload(self.request, name, form.data_read)
        return self.render_to_response(self.get_context_data(form=form, **self.comparison(token, name, uploaded)))


class ConfirmIiaForm(forms.Form):
    """The confirmation of an action: the fingerprint of our conditions as the page showed them
    (a stale page is refused), never the conditions themselves."""

    seen = forms.CharField(widget=forms.HiddenInput)


class CreateFromIiaForm(ConfirmIiaForm):
    title = forms.CharField(label=_("Title of the new agreement"), max_length=300)
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    existing_partner = forms.ModelChoiceField(
        label=_("An existing partner with no SCHAC code yet"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("It is given the SCHAC code of their IIA. Leave empty to create a new partner."),
    )
    partner_name = forms.CharField(label=_("Name of the new partner institution"), max_length=255, required=False)
    partner_country = CountryField(blank=True).formfield(label=_("Its country"), required=False)
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Their IIA says it is in effect: a signed agreement needs its date of signature."),
    )

    def __init__(self, *args, user, institution: Institution | None, signed: bool, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        if signed:
            self.fields["signed_on"].required = True
        else:
            del self.fields["signed_on"]
        self.institution = institution
        units = Unit.objects.filter(is_active=True).order_by("name")
        self.fields["responsible_unit"].queryset = units if is_office(user) else units.filter(pk=user_unit_id(user))
        # Offered: the partners of the SCHAC code's country that have no code yet, so that a
        # partner we already keep is not created twice.
        offered = Institution.objects.filter(schac_id="", country=country).order_by("name") if country else None
        if institution is not None:
            del self.fields["partner_name"], self.fields["partner_country"], self.fields["existing_partner"]
        elif offered is None or not offered.exists():
            del self.fields["existing_partner"]
        else:
            self.fields["existing_partner"].queryset = offered

    def clean(self):
        cleaned = super().clean()
        if self.institution is None and not cleaned.get("existing_partner"):
            if not cleaned.get("partner_name"):
                self.add_error("partner_name", _("Give the new partner's name, or choose an existing partner."))
            if not cleaned.get("partner_country"):
                self.add_error("partner_country", _("Choose the new partner's country, or an existing partner."))
        return cleaned

    def partner(self) -> Institution | None:
        return self.institution or self.cleaned_data.get("existing_partner")


class TakeConditionsForm(ConfirmIiaForm):
    conditions = forms.MultipleChoiceField(
        label=_("Conditions to take from the partner's copy"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        differing = [row for row in rows if row["differs"]]
        self.fields["conditions"].choices = [(row["key"], _row_label(row)) for row in differing]
        self.fields["conditions"].initial = [row["key"] for row in differing]


def _row_label(row: dict) -> str:
    if row["theirs"] is None:
        return gettext("Remove ours: %(condition)s") % {"condition": row["ours"]}
    condition = row["theirs"]
    described = gettext("%(years)s %(direction)s %(category)s: %(places)s") % {
        "years": f"{condition['first_academic_year']}–{condition['last_academic_year']}",
        "direction": Quota.Direction(condition["direction"]).label,
        "category": Quota.Category(condition["category"]).label,
        "places": condition["places"],
    }
    if row["ours"] is None:
        return gettext("Add theirs: %(condition)s") % {"condition": described}
    return gettext("Change ours to theirs: %(condition)s") % {"condition": described}


class IiaActionView(ViewPermissionMixin, View):
    """The confirmation page of one action on one IIA of the kept upload (GET), and the action
    itself (POST), which re-reads and re-validates the document first."""

    model = Agreement
    template_name = "agreements/iia_confirm.html"

    def get_permission_required(self):
        if self.kwargs["action"] == "create":
            return ["agreements.add_agreement"]
        return ["agreements.change_agreement"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in ACTIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def load(self, token: str, number: int) -> PartnerIia | None:
        kept = kept_upload(self.request, token)
        if kept is None:
            return None
        iias = read_partner_iias(kept[1])  # the same checks as on upload
        if not 1 <= number <= len(iias):
            raise Http404
        [iia] = compared([iias[number - 1]])
        if iia.agreement is not None and not can_change(self.request.user, iia.agreement):
            raise PermissionDenied
        return iia

    def form(self, iia: PartnerIia, data=None):
        action = self.kwargs["action"]
        if action == "create":
            institution = Institution.objects.filter(schac_id__iexact=iia.theirs.hei_id).order_by("pk").first()
            initial = {
                "title": gettext("Erasmus+ IIA with %(partner)s") % {"partner": institution or iia.theirs.hei_id},
                "partner_name": iia.theirs.hei_id,
                "partner_country": _country_of(iia.theirs.hei_id),
                "responsible_unit": changeable_by(self.request.user, Unit.objects.order_by("pk")).first()
                if not is_office(self.request.user)
                else Unit.objects.filter(parent__isnull=True).order_by("pk").first(),
            }
            initial["seen"] = iia.fingerprint
            dates = sorted(date for date in (iia.ours.signed_on, iia.theirs.signed_on) if date)
            initial["signed_on"] = dates[-1][:10] if dates else None
            signed = iia.in_effect and not iia.terminated
            return CreateFromIiaForm(
                data,
                user=self.request.user,
                institution=institution,
                signed=signed,
                country=initial["partner_country"],
                initial=initial,
            )
        if action == "take":
            return TakeConditionsForm(data, rows=iia.rows, initial={"seen": iia.fingerprint})
        return ConfirmIiaForm(data, initial={"seen": iia.fingerprint})

    def refusal(self, iia: PartnerIia) -> str:
        action = self.kwargs["action"]
        if not iia.with_us:
            return gettext("This IIA is between two other institutions: it cannot be taken into our records.")
        if action == "create" and iia.agreement is not None:
            return gettext(
                "Our agreement “%(agreement)s” already holds this IIA: take its conditions, or record it."
            ) % {"agreement": iia.agreement}
        if action != "create" and iia.agreement is None:
            return gettext("No agreement of ours matches this IIA: create one from it.")
        if action == "take" and not any(row["differs"] for row in iia.rows):
            return gettext("Their conditions are the same as ours: there is nothing to take.")
        return ""

    def page(self, iia, form, *, token, number, status=200):
        context = {
            "iia": iia,
            "form": form,
            "action": self.kwargs["action"],
            "token": token,
            "number": number,
            "refusal": self.refusal(iia),
            "back_url": reverse("agreements:iia-compared", args=[token]),
            "take_rows": list(zip(form["conditions"], [row for row in iia.rows if row["differs"]], strict=True))
            if isinstance(form, TakeConditionsForm)
            else [],
            "shared": iia.agreement is not None and iia.agreement.parties.filter(institution__isnull=False).count() > 1,
        }
        return render(self.request, self.template_name, context, status=status)

    def loaded(self, token, number):
        """(the IIA the page acts on, None), or (None, the page saying the upload is gone and,
        when the document itself is at fault, why)."""
        try:
            iia = self.load(token, number)
        except DocumentError as error:
            return None, render(self.request, self.template_name, {"gone": True, "error": str(error)})
        if iia is None:
            return None, render(self.request, self.template_name, {"gone": True})
        return iia, None

    def get(self, request, token, number, action):
        iia, gone = self.loaded(token, number)
        if gone:
            return gone
        return self.page(iia, self.form(iia), token=token, number=number)

    def post(self, request, token, number, action):
        iia, gone = self.loaded(token, number)
        if gone:
            return gone
        form = self.form(iia, request.POST)
        if self.refusal(iia) or not form.is_valid():
            return self.page(iia, form, token=token, number=number)
        try:
            target = self.act(iia, form)
        except IiaActionRefused as refused:
            form.add_error(None, refused.message)
            return self.page(iia, form, token=token, number=number)
        return redirect(target)

    def act(self, iia: PartnerIia, form) -> Agreement:
        user = self.request.user
        action = self.kwargs["action"]
        if action == "create":
            data = form.cleaned_data
            agreement = agreement_create_from_iia(
                iia=iia,
                title=data["title"],
                responsible_unit=data["responsible_unit"],
                institution=form.partner(),
                new_institution={"name": data.get("partner_name"), "country": data.get("partner_country")},
                signed_on=data.get("signed_on"),
                user=user,
            )
            messages.success(self.request, gettext("The agreement was created from the partner's IIA."))
            return agreement
        if action == "take":
            counts = agreement_take_partner_conditions(
                party=iia.party,
                iia=iia,
                keys=form.cleaned_data["conditions"],
                seen=form.cleaned_data["seen"],
                user=user,
            )
            messages.success(
                self.request,
                gettext("Their conditions were taken: %(changed)s changed, %(added)s added, %(removed)s removed.")
                % counts,
            )
            return iia.agreement
        agreement_party_record_partner_iia(party=iia.party, iia=iia, seen=form.cleaned_data["seen"], user=user)
        messages.success(self.request, gettext("The partner's IIA was recorded on the agreement."))
        return iia.agreement


def _country_of(hei_id: str) -> str:
    """The country a SCHAC code's top-level domain names (uw.edu.pl: PL), if it names one."""
    code = hei_id.rsplit(".", 1)[-1].upper() if "." in hei_id else ""
    return code if code and code in dict(countries) else ""
