from django.urls import path

from mobility import editing, views

app_name = "mobility"
urlpatterns = [
    path("", views.ProgramListView.as_view(), name="program-list"),
    path("new/", editing.ProgramEditView.as_view(), name="program-create"),
    path("<int:pk>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("<int:pk>/edit/", editing.ProgramEditView.as_view(), name="program-edit"),
    path(
        "<int:pk>/participants/<int:participant_pk>/status/",
        editing.ParticipantStatusView.as_view(),
        name="participant-status",
    ),
]
