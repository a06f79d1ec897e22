from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from cooperation.calendar import views as calendar_views
from cooperation.dashboard import views as dashboard_views
from cooperation.ops import views as ops_views
from cooperation.portal import password_reset, search
from cooperation.portal import views as portal_views
from cooperation.reminders import views as notification_views
from mobility import views as mobility_views

urlpatterns = [
    path("", portal_views.HomeView.as_view(), name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    # Before Django's own: the reset mail in the user's language, rate limited (portal/password_reset.py).
    path("accounts/password_reset/", password_reset.PortalPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        password_reset.PortalPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Before the apps: the import pages sit under their lists (/partners/import/...).
    path("", include("cooperation.importing.urls")),
    path("partners/", include("partners.urls")),
    path("agreements/", include("agreements.urls")),
    path("mobility/", include("mobility.urls")),
    path("visits/", include("cooperation.visits.urls")),
    path("search/", search.SearchView.as_view(), name="search"),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/report.xlsx", dashboard_views.DashboardWorkbookView.as_view(), name="dashboard-xlsx"),
    path("dashboard/report.pdf", dashboard_views.DashboardPdfView.as_view(), name="dashboard-pdf"),
    # The mobility participants the dashboard's figures count (the list is the mobility app's).
    path("dashboard/participants/", mobility_views.ParticipantListView.as_view(), name="dashboard-participants"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notifications"),
    # The calendar feed: its secret is in the address, as calendar applications cannot log in.
    path("calendar/", calendar_views.CalendarPageView.as_view(), name="calendar"),
    path("calendar/feed/<str:secret>.ics", calendar_views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("visits/<int:pk>/event.ics", calendar_views.VisitIcsView.as_view(), name="visit-ics"),
    path("api/", include("cooperation.api.urls")),
]

handler400 = "cooperation.lib.errors.bad_request"
handler500 = "cooperation.lib.errors.server_error"

admin.site.site_header = _("Cooperation: administration")
admin.site.site_title = _("Cooperation")
admin.site.index_title = _("Administration")
