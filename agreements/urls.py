from django.urls import path

from agreements import actions, documents_views, editing, views
from agreements.ewp import approval_views
from agreements.ewp import views as ewp_views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementListView.as_view(), name="agreement-list"),
    path("new/", editing.AgreementEditView.as_view(), name="agreement-create"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("<int:pk>/edit/", editing.AgreementEditView.as_view(), name="agreement-edit"),
    path("<int:pk>/iia.xml", ewp_views.IiaExportView.as_view(), name="agreement-iia"),
    path("<int:pk>/iia/approval/", approval_views.IiaApprovalView.as_view(), name="iia-approval"),
    path("iia/compare/", ewp_views.IiaCompareView.as_view(), name="iia-compare"),
    path("iia/compare/<str:token>/", ewp_views.IiaCompareView.as_view(), name="iia-compared"),
    path("iia/compare/<str:token>/<int:number>/<str:action>/", ewp_views.IiaActionView.as_view(), name="iia-action"),
    path("<int:pk>/status/", actions.AgreementStatusView.as_view(), name="agreement-status"),
    path("<int:pk>/renew/", actions.AgreementRenewView.as_view(), name="agreement-renew"),
    path("<int:pk>/terminate/", actions.AgreementTerminateView.as_view(), name="agreement-terminate"),
    path("<int:pk>/documents/", documents_views.DocumentUploadView.as_view(), name="document-upload"),
    path(
        "<int:pk>/documents/<int:version_pk>/download/",
        documents_views.DocumentDownloadView.as_view(),
        name="document-download",
    ),
]
