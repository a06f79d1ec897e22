"""/api/: the OpenAPI schema and its documentation page, the read-only endpoints and the public
list of partners. Mounted in cooperation/urls.py."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cooperation.api import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("programs", views.ProgramViewSet, basename="program")

urlpatterns = [
    # Swagger UI only: drf-spectacular's Redoc page loads its fonts from Google.
    # The schema and its page hold no data: anyone may read them (SPECTACULAR_SETTINGS), so
    # whoever builds the university website's partner map can read how to call it.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from its own address (?script), so the page
    # runs under the Content-Security-Policy with no inline script; our template moves the
    # page's few inline styles into a style sheet.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("public/partners/", views.PublicPartnerListView.as_view(), name="public-partners"),
    *router.urls,
]
