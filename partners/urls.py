from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="institution-list"),
    path("<int:pk>/", views.InstitutionDetailView.as_view(), name="institution-detail"),
]
