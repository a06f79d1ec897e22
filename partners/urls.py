from django.urls import path

from partners import autocomplete, views

app_name = "partners"
urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="institution-list"),
    path("<int:pk>/", views.InstitutionDetailView.as_view(), name="institution-detail"),
    path("autocomplete/", autocomplete.InstitutionAutocompleteView.as_view(), name="institution-autocomplete"),
    path("contacts/autocomplete/", autocomplete.ContactAutocompleteView.as_view(), name="contact-autocomplete"),
]
