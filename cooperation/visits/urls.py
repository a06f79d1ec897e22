from django.urls import path

from cooperation import views, visit_editing

app_name = "cooperation"
urlpatterns = [
    path("", views.VisitListView.as_view(), name="visit-list"),
    path("new/", visit_editing.VisitEditView.as_view(), name="visit-create"),
    path("<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("<int:pk>/edit/", visit_editing.VisitEditView.as_view(), name="visit-edit"),
    path("<int:pk>/actions/<int:action_pk>/done/", visit_editing.ActionDoneView.as_view(), name="action-done"),
]
