from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from cooperation import notification_views, search, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("partners/", include("partners.urls")),
    path("agreements/", include("agreements.urls")),
    path("mobility/", include("mobility.urls")),
    path("visits/", include("cooperation.visit_urls")),
    path("search/", search.SearchView.as_view(), name="search"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notifications"),
]

admin.site.site_header = _("Cooperation: administration")
admin.site.site_title = _("Cooperation")
admin.site.index_title = _("Administration")
