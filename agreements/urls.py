from django.urls import path

from agreements import editing, views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementListView.as_view(), name="agreement-list"),
    path("new/", editing.AgreementEditView.as_view(), name="agreement-create"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("<int:pk>/edit/", editing.AgreementEditView.as_view(), name="agreement-edit"),
]
