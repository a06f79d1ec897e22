from django.urls import path

from partners import autocomplete, editing, merge_views, views

app_name = "partners"
urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="institution-list"),
    path("new/", editing.InstitutionEditView.as_view(), name="institution-create"),
    path("<int:pk>/", views.InstitutionDetailView.as_view(), name="institution-detail"),
    path("<int:pk>/edit/", editing.InstitutionEditView.as_view(), name="institution-edit"),
    path("<int:pk>/merge/", merge_views.InstitutionMergeView.as_view(), name="institution-merge"),
    path(
        "<int:pk>/merge/preview/", merge_views.InstitutionMergePreviewView.as_view(), name="institution-merge-preview"
    ),
    path("<int:pk>/contacts/new/", editing.ContactEditView.as_view(), name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", editing.ContactEditView.as_view(), name="contact-edit"),
    path("autocomplete/", autocomplete.InstitutionAutocompleteView.as_view(), name="institution-autocomplete"),
    path("contacts/autocomplete/", autocomplete.ContactAutocompleteView.as_view(), name="contact-autocomplete"),
]
