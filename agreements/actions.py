"""The one-click actions on an agreement's page: change its status, renew it, terminate it.
Each is a POST that calls one service (agreements/services.py) and comes back with a message;
a refused action says why and changes nothing."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from agreements.models import Agreement
from agreements.services import agreement_change_status, agreement_renew, agreement_terminate
from cooperation.lib.views import ChangePermissionMixin


def _explain(error: ValidationError) -> str:
    return " ".join(error.messages)


def _posted_date(request, name: str) -> datetime.date | None:
    """The ISO date an <input type="date"> sent, None when it was left empty."""
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not a date.") % {"value": raw}) from error


class AgreementActionView(ChangePermissionMixin, SingleObjectMixin, View):
    """POST only; `act` calls the service and returns where to go next (a model or a URL)."""

    model = Agreement
    http_method_names = ["post"]

    def act(self, agreement: Agreement):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        agreement = self.get_object()
        try:
            target = self.act(agreement)
        except ValidationError as error:
            messages.error(request, _explain(error))
            return redirect(agreement)
        return redirect(target)


class AgreementStatusView(AgreementActionView):
    def act(self, agreement):
        status = self.request.POST.get("status", "")
        if status == Agreement.Status.SIGNED:
            # The page asks for the date of signature next to "Mark signed" when it is missing;
            # the service's clean() refuses a signed agreement without one.
            agreement.signed_on = _posted_date(self.request, "signed_on") or agreement.signed_on
        agreement_change_status(agreement=agreement, status=status, user=self.request.user)
        messages.success(
            self.request, _("The status is now “%(status)s”.") % {"status": agreement.get_status_display()}
        )
        return agreement


class AgreementRenewView(AgreementActionView):
    def act(self, agreement):
        successor = agreement_renew(agreement=agreement, user=self.request.user)
        messages.success(
            self.request,
            _("The renewal is entered as a draft with the same parties and areas: complete its dates and sign it."),
        )
        return reverse("agreements:agreement-edit", args=[successor.pk])


class AgreementTerminateView(AgreementActionView):
    def act(self, agreement):
        on = _posted_date(self.request, "terminated_on") or timezone.localdate()
        agreement_terminate(
            agreement=agreement, on=on, reason=self.request.POST.get("termination_reason", ""), user=self.request.user
        )
        messages.success(self.request, _("The agreement is terminated."))
        return agreement
