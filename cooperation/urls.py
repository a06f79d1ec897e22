from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from cooperation import calendar_views, dashboard_views, notification_views, search, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Before the apps: the import pages sit under their lists (/partners/import/...).
    path("", include("cooperation.importing.urls")),
    path("partners/", include("partners.urls")),
    path("agreements/", include("agreements.urls")),
    path("mobility/", include("mobility.urls")),
    path("visits/", include("cooperation.visit_urls")),
    path("search/", search.SearchView.as_view(), name="search"),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/report.xlsx", dashboard_views.DashboardWorkbookView.as_view(), name="dashboard-xlsx"),
    path("dashboard/report.pdf", dashboard_views.DashboardPdfView.as_view(), name="dashboard-pdf"),
    path("dashboard/participants/", dashboard_views.ParticipantListView.as_view(), name="dashboard-participants"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notifications"),
    # The calendar feed: its secret is in the address, as calendar applications cannot log in.
    path("calendar/", calendar_views.CalendarPageView.as_view(), name="calendar"),
    path("calendar/feed/<str:secret>.ics", calendar_views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("visits/<int:pk>/event.ics", calendar_views.VisitIcsView.as_view(), name="visit-ics"),
    path("api/", include("cooperation.api.urls")),
]

handler500 = "cooperation.lib.errors.server_error"

admin.site.site_header = _("Cooperation: administration")
admin.site.site_title = _("Cooperation")
admin.site.index_title = _("Administration")
