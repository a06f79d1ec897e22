from django.urls import path

from cooperation.visits import editing, views

app_name = "cooperation"
urlpatterns = [
    path("", views.VisitListView.as_view(), name="visit-list"),
    path("new/", editing.VisitEditView.as_view(), name="visit-create"),
    path("<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("<int:pk>/edit/", editing.VisitEditView.as_view(), name="visit-edit"),
    path("<int:pk>/actions/<int:action_pk>/done/", editing.ActionDoneView.as_view(), name="action-done"),
]
