from django.urls import path

from cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("", views.VisitListView.as_view(), name="visit-list"),
    path("<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
]
