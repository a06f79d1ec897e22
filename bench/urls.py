"""The portal's URLs and, under /bench/, the floor: a logged-in page doing one query, to show
what any page costs before it does anything (middleware, session, user, response)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from cooperation.urls import urlpatterns as portal_urlpatterns
from partners.models import Institution


@login_required
def floor(request):
    first = Institution.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(f"<!doctype html><title>floor</title><p>{first}</p>")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]
