"""cooperation/lib/mail.py: an e-mail written directly is a correct MIME message, read back by
the standard library's parser (the modern policy, as a mail client would)."""

import email
import email.policy

import pytest
from django.core import mail

from cooperation.lib.mail import ComposedEmail, encode_header_value


def parsed(message: ComposedEmail) -> email.message.EmailMessage:
    data = message.message().as_bytes(linesep="\r\n")
    header, _blank, _body = data.partition(b"\r\n\r\n")
    assert header.isascii()
    assert all(len(line) <= 78 for line in header.split(b"\r\n"))
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    return email.message_from_bytes(data, policy=email.policy.SMTP)


def reminder(**overrides) -> ComposedEmail:
    fields = {
        "subject": "Срок «Меморандума о сотрудничестве с Әл-Фараби атындағы Қазақ ұлттық университеті» истекает",
        "body": "Уважаемая Айгерим Сәрсенбайқызы,\n\nСоглашение истекает через 30 дней.\n\nhttps://x.example/a/1/\n",
        "from_email": "Кооперация <noreply@university.example>",
        "to": ["aigerim@university.example"],
        "headers": {"Message-ID": "<reminder-7@x.example>", "Auto-Submitted": "auto-generated"},
    }
    fields.update(overrides)
    message = ComposedEmail(**fields)
    message.attach_alternative('<p>Уважаемая <b>Айгерим</b> &amp; "коллеги"</p>\n', "text/html")
    return message


def test_a_cyrillic_and_kazakh_message_reads_back_as_written():
    message = reminder()
    read = parsed(message)

    assert read["Subject"] == message.subject
    assert read["From"].addresses[0].display_name == "Кооперация"
    assert read["From"].addresses[0].addr_spec == "noreply@university.example"
    assert read["To"] == "aigerim@university.example"
    assert read["Message-ID"] == "<reminder-7@x.example>"
    assert read["Auto-Submitted"] == "auto-generated"
    assert read["MIME-Version"] == "1.0"
    assert read["Date"].datetime is not None
    assert read.get_content_type() == "multipart/alternative"
    text, html = read.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert text.get_content_charset() == "utf-8" and text["Content-Transfer-Encoding"] == "8bit"
    assert text.get_content().replace("\r\n", "\n") == message.body
    assert html.get_content().replace("\r\n", "\n") == message.alternatives[0][0]
    assert read.defects == [] and text.defects == [] and html.defects == []


def test_an_ascii_message_stays_readable_and_long_subjects_are_folded():
    subject = "Agreement " + "very " * 40 + "long"
    message = reminder(subject=subject, body="Dear colleague,\n\nhttps://x.example/\n", from_email="noreply@x.example")
    data = message.message().as_bytes(linesep="\r\n")

    assert b"Content-Transfer-Encoding: 7bit\r\n\r\nDear colleague,\r\n" in data
    read = email.message_from_bytes(data, policy=email.policy.SMTP)
    assert read["Subject"] == subject
    assert read["From"] == "noreply@x.example"


def test_a_header_value_with_a_line_break_cannot_add_a_header():
    value = encode_header_value("Title\r\nBcc: victim@example.com")
    assert "\n" not in value.replace("\r\n ", "")
    read = email.message_from_string(f"Subject: {value}\r\n\r\n", policy=email.policy.SMTP)
    assert read["Bcc"] is None and "Bcc: victim" in read["Subject"]
    with pytest.raises(ValueError):
        reminder(to=["a@x.example\nBcc: victim@example.com"]).message()


def test_a_long_line_goes_as_base64():
    message = reminder(subject="Long", body="x" * 2000)
    read = parsed(message)
    assert read.get_body(("plain",))["Content-Transfer-Encoding"] == "base64"
    assert read.get_body(("plain",)).get_content() == "x" * 2000


def test_what_it_does_not_compose_is_refused():
    with pytest.raises(ValueError, match="To only"):
        reminder(cc=["b@x.example"]).message()


def test_the_locmem_back_end_keeps_the_message_as_it_was_given(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminder().send()
    (sent,) = mail.outbox
    assert sent.subject.startswith("Срок") and sent.alternatives[0][1] == "text/html"
