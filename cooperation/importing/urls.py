"""The import pages. Included at the root by cooperation/urls.py, so each kind's upload page sits
under its list (/partners/import/, /agreements/import/...) while partners, agreements and
mobility know nothing of it (they import no module of cooperation)."""

from django.urls import path

from cooperation.importing import views

app_name = "importing"

# Kind -> where its upload page is.
UPLOAD_PATHS = {
    "institutions": "partners/import/",
    "contacts": "partners/contacts/import/",
    "agreements": "agreements/import/",
    "participants": "mobility/import/",
}

urlpatterns = [
    path("imports/", views.ImportBatchListView.as_view(), name="batch-list"),
    path("imports/<int:pk>/", views.ImportBatchDetailView.as_view(), name="batch-detail"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="batch-confirm"),
    path("imports/<int:pk>/undo/", views.ImportUndoView.as_view(), name="batch-undo"),
    path("imports/<int:pk>/encoding/", views.ImportEncodingView.as_view(), name="batch-encoding"),
]
for kind, prefix in UPLOAD_PATHS.items():
    urlpatterns += [
        path(prefix, views.ImportUploadView.as_view(kind=kind), name=kind),
        path(f"{prefix}template/", views.ImportTemplateView.as_view(kind=kind), name=f"{kind}-template"),
    ]
