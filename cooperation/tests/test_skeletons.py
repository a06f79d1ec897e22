"""cooperation/lib/skeletons.py: a template rendered through a skeleton says exactly what Django
renders, whatever the values, and a template that cuts or rewrites a value is rendered in full."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

from cooperation import roles
from cooperation.lib.skeletons import SkeletonRenderer
from cooperation.reminders import delivery
from cooperation.reminders.models import Reminder
from cooperation.reminders.sweep import reminders_sweep
from cooperation.tests.factories import AgreementFactory, make_user


def template(text: str):
    return engines["django"].from_string(text)


class Unit:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name


class Item:
    def __init__(self, title, unit, number=""):
        self.title, self.unit, self.registration_number = title, Unit(unit), number

    def shout(self):
        return self.title + "!"


HTML = template(
    "{% load i18n %}<p>{% blocktranslate with title=item.title count days=days trimmed %}"
    "{{ title }} in {{ days }} day{% plural %}{{ title }} in {{ days }} days{% endblocktranslate %}</p>"
    "<p>{{ item.unit }} · {{ item.registration_number|default:'—' }} · {{ item.shout }}</p>"
    "{% if days > 7 %}<p>later</p>{% elif days == 0 %}<p>today</p>{% endif %}{{ name }}"
)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_filled_skeletons_say_what_django_renders(language):
    renderer = SkeletonRenderer()
    cases = [
        {"item": Item('Memorandum <"A&B">', "Faculty & Co", "R-1"), "days": 30, "name": "Ann"},
        {"item": Item("Другое соглашение", "<b>Unit</b>", ""), "days": 21, "name": "Әлия"},
        {"item": Item("Third", "Unit", "R-3"), "days": 1, "name": ""},
        {"item": Item("Fourth", "Unit", "R-4"), "days": 0, "name": "Bob"},
        {"item": Item("Fifth", "Unit", "R-5"), "days": 2, "name": "Eve"},
        {"item": Item("Sixth", "Unit", "R-6"), "days": 11, "name": "Dan"},
        {"item": Item("Seventh", "Unit", "R-7"), "days": 31, "name": "Kim"},
    ]
    with translation.override(language):
        for context in cases * 2:
            assert renderer.render(HTML, context, shape=(language,)) == HTML.render(context)
    assert renderer.filled >= len(cases)  # the second round is filled in, not rendered


def test_a_value_that_a_filter_cuts_makes_the_template_rendered_in_full():
    cutting = template("{{ title|truncatechars:10 }}")
    renderer = SkeletonRenderer()

    for title in ["Short", "A much longer title than ten characters", "Short"]:
        assert renderer.render(cutting, {"title": title}) == cutting.render({"title": title})
    assert renderer.filled == 0 and renderer.rendered == 3


def test_a_list_is_not_followed():
    listing = template("{% for name in names %}{{ name }} {% endfor %}")
    renderer = SkeletonRenderer()

    for names in [["a", "b"], ["c"], ["d", "e", "f"]]:
        assert renderer.render(listing, {"names": names}) == listing.render({"names": names})
    assert renderer.filled == 0


@pytest.fixture
def expiring(faculty, settings):
    settings.OFFICE_MAILBOX = "international@university.example"
    settings.SITE_URL = "https://cooperation.university.example"
    people = [
        make_user("responsible", unit=faculty, language="ru", first_name="Иван", last_name="Петров"),
        make_user("coordinator", roles.COORDINATOR, unit=faculty, language="kk"),
    ]
    today = timezone.localdate()
    for number, days in enumerate([30, 30, 7, 1, 0, 90, 180, 21, 22, 25]):
        AgreementFactory(
            title=f"Memorandum <{number}> & partners" if number % 2 else f"Меморандум № {number}",
            registration_number="" if number % 3 else f"R-{number}",
            responsible_unit=faculty,
            responsible_person=people[0],
            expires_on=today + datetime.timedelta(days=days),
        )
    reminders_sweep(triggered_by="test")


def test_every_reminder_template_through_skeletons_is_what_django_renders(expiring, monkeypatch):
    rendered = []
    renderer = SkeletonRenderer()
    render = renderer.render

    def both(template, context, *, shape=(), resolved=None):
        fast = render(template, context, shape=shape, resolved=resolved)
        rendered.append((fast, template.render(context)))
        return fast

    monkeypatch.setattr(delivery, "_skeletons", renderer)
    monkeypatch.setattr(renderer, "render", both)
    reminders = list(Reminder.objects.select_related("recipient__profile").order_by("id"))
    assert len(reminders) >= 20
    composer = delivery.Composer(reminders, on=timezone.localdate())
    for _round in range(2):
        for reminder in reminders:
            for language in ("en", "ru", "kk"):
                composer.compose(reminder, language=language)

    assert rendered and all(fast == slow for fast, slow in rendered)
    assert renderer.filled > renderer.rendered
