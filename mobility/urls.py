from django.urls import path

from mobility import views

app_name = "mobility"
urlpatterns = [
    path("", views.ProgramListView.as_view(), name="program-list"),
    path("<int:pk>/", views.ProgramDetailView.as_view(), name="program-detail"),
]
