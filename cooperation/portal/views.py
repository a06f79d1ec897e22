"""The home page: what needs attention today."""

import datetime

from django.views.generic import TemplateView

from agreements.models import EXPIRING_SOON, Agreement
from cooperation.lib.views import ViewPermissionMixin
from cooperation.visits.models import FollowUpAction, Visit


class HomeView(ViewPermissionMixin, TemplateView):
    """What needs attention today: what the office opens first thing in the morning."""

    template_name = "cooperation/home.html"
    # Someone who may not see these records has nothing to attend to here.
    permission_required = ("agreements.view_agreement", "cooperation.view_visit", "cooperation.view_followupaction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expiring_agreements"] = (
            Agreement.objects.expiring(within=EXPIRING_SOON)
            .select_related("responsible_unit")
            .prefetch_related("parties__institution", "parties__unit")
            .order_by("expires_on")[:10]
        )
        context["upcoming_visits"] = (
            Visit.objects.upcoming(within=datetime.timedelta(days=14))
            .select_related("host_unit")
            .prefetch_related("partners")
            .order_by("starts_on")[:10]
        )
        context["overdue_actions"] = (
            FollowUpAction.objects.overdue().select_related("visit", "owner").order_by("due_on")[:10]
        )
        context["expiring_days"] = EXPIRING_SOON.days
        return context
