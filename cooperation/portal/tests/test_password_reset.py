"""Password reset at /accounts/password_reset/: the link goes out in the user's language through
the mail server EMAIL_URL names (a real SMTP server here, aiosmtpd on loopback), points at
SITE_URL, and sets the new password; the page says the same whether or not an account has the
address; and it is rate limited per client address and per e-mail address."""

import email
import email.policy
import re
import socket

import pytest
from django.core import mail
from django.urls import reverse

from cooperation.lib.env import email_settings
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.entry_pages import form_errors
from cooperation.tests.factories import make_user

RESET = "/accounts/password_reset/"
SITE = "https://cooperation.university.example"


class Recorder:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and the portal's EMAIL_URL pointing at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    yield recorder
    controller.stop()


@pytest.fixture
def aigerim(db):
    return make_user(
        "aigerim", language="kk", email="aigerim@university.example", first_name="Aigerim", last_name="Seitkali"
    )


def ask_for_a_new_password(client, address: str, **request):
    form = RenderedForm.get(client, RESET, containing="email")
    form["email"] = address
    return client.post(form.action, form.data(), **request)


@pytest.mark.integration
@pytest.mark.django_db
def test_the_link_comes_in_the_users_language_through_the_mail_server_and_sets_the_password(
    client, settings, smtp_server, aigerim
):
    settings.SITE_URL = SITE
    client.cookies["django_language"] = "en"  # the page in English; the mail in Kazakh, as she reads

    response = ask_for_a_new_password(client, "Aigerim@University.example")

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    [message] = smtp_server.messages
    assert message["To"] == "aigerim@university.example"
    assert message["Subject"].strip() == "Cooperation порталына жаңа құпиясөз"
    body = message.get_content()
    assert "Aigerim Seitkali" in body and "«aigerim»" in body  # her name, and the account she logs in with
    [link] = re.findall(rf"{re.escape(SITE)}(/accounts/reset/\S+/)", body)

    set_password = client.get(link)
    assert set_password.status_code == 302  # Django moves the token out of the address
    form = RenderedForm.get(client, set_password.url, containing="new_password1")
    form["new_password1"] = form["new_password2"] = "Qazaq-eli-2026!"
    assert form.submit(client).url == reverse("password_reset_complete")

    login = RenderedForm.get(client, reverse("login"), containing="password")
    login["username"], login["password"] = "aigerim", "Qazaq-eli-2026!"
    assert login.submit(client).status_code == 302
    assert client.get(link).context["validlink"] is False  # the link works once


@pytest.mark.django_db
def test_the_page_says_the_same_whether_or_not_an_account_has_the_address(client, settings, aigerim):
    known = ask_for_a_new_password(client, "aigerim@university.example", REMOTE_ADDR="10.0.0.1")
    unknown = ask_for_a_new_password(client, "nobody@university.example", REMOTE_ADDR="10.0.0.2")

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    done = client.get(known.url).content.decode()
    assert "If the address belongs to an account" in done
    assert settings.OFFICE_MAILBOX in done  # whom to ask when nothing comes


@pytest.mark.django_db
def test_an_inactive_account_gets_no_link(client):
    make_user("gone", email="gone@university.example", is_active=False)
    assert ask_for_a_new_password(client, "gone@university.example").status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_is_rate_limited_per_client_address(client, settings, aigerim):
    settings.PASSWORD_RESET_PER_HOUR = 3
    for number in range(3):
        assert ask_for_a_new_password(client, f"someone{number}@example.org").status_code == 302

    refused = ask_for_a_new_password(client, "aigerim@university.example")

    assert refused.status_code == 429
    assert "Too many new passwords were asked for" in refused.content.decode()
    assert mail.outbox == []
    other_address = ask_for_a_new_password(client, "aigerim@university.example", REMOTE_ADDR="10.9.9.9")
    assert other_address.status_code == 302 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_is_rate_limited_per_e_mail_address_whether_or_not_an_account_has_it(client, settings, aigerim):
    settings.PASSWORD_RESET_PER_HOUR = 2
    for address in ("aigerim@university.example", "nobody@university.example"):
        for number in range(2):
            assert ask_for_a_new_password(client, address, REMOTE_ADDR=f"10.1.{number}.1").status_code == 302
        assert ask_for_a_new_password(client, address.upper(), REMOTE_ADDR="10.2.0.1").status_code == 429
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_it_refuses_when_the_cache_cannot_count(client, settings, aigerim):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert ask_for_a_new_password(client, "aigerim@university.example").status_code == 429
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_malformed_address_is_a_form_error(client):
    response = ask_for_a_new_password(client, "not an address")
    assert response.status_code == 200
    assert "Enter a valid email address." in form_errors(response)


@pytest.mark.django_db
def test_the_login_page_links_to_it(client):
    assert f'href="{RESET}"' in client.get(reverse("login")).content.decode()
