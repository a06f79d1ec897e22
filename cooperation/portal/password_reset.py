"""Password reset by e-mail: the link goes out in the user's own language, through the portal's
mail server (EMAIL_URL), and points at SITE_URL, never at the Host header a request brought.

The page says the same whether or not the address belongs to an account (it is Django's
PasswordResetView: no list of our users' addresses can be drawn from it), and it is rate limited
per client address and per e-mail address (PASSWORD_RESET_PER_HOUR each), counted whether or not
an account has that address, so the limit says nothing either. The count lives in the cache;
when the cache cannot count (Redis down), requests are refused rather than sent unbounded.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.utils import translation

from cooperation.lib.security import client_ip_address

WINDOW_SECONDS = 3600


class PortalPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        try:
            language = user.profile.language
        except ObjectDoesNotExist:  # an account made outside the portal (createsuperuser)
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)


class PortalPasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(office_mailbox=settings.OFFICE_MAILBOX, **kwargs)


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    subject_template_name = "emails/password-reset-subject.txt"
    email_template_name = "emails/password-reset-body.txt"

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        keys = [f"password-reset:address:{client_ip_address(request)}"]
        if email:
            keys.append(f"password-reset:email:{hashlib.sha256(email.encode()).hexdigest()}")
        # Every key is counted (a list, not a generator that any() would stop early).
        if any([over_the_limit(key, settings.PASSWORD_RESET_PER_HOUR) for key in keys]):
            context = {"office_mailbox": settings.OFFICE_MAILBOX}
            return render(request, "registration/password_reset_refused.html", context, status=429)
        return super().post(request, *args, **kwargs)


def over_the_limit(key: str, limit: int) -> bool:
    """Count one more request under `key` this hour: True past `limit`, or when it cannot be counted."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the hour ran out between the two calls: a new hour begins
        cache.add(key, 1, WINDOW_SECONDS)
        count = 1
    if cache.get(key) is None:
        return True
    return count > limit
