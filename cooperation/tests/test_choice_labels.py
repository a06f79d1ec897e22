"""`{{ record|choice:"kind" }}` (cooperation/lib/choices.py) says what get_kind_display() says, in
every language and for a value that is not among the choices, and a partner's page with many rows
asks Django's own for none of them."""

import pytest
from django.template import Context, Template
from django.utils import translation

from agreements.models import Agreement
from cooperation.lib.choices import choice_label
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
    VisitFactory,
)
from cooperation.visits.models import Visit
from mobility.models import Program
from partners.models import InstitutionName

pytestmark = pytest.mark.django_db

FIELDS = [
    (Agreement, "kind"),
    (Agreement, "status"),
    (Visit, "kind"),
    (Program, "kind"),
    (Program, "direction"),
    (InstitutionName, "kind"),
]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize(("model", "field_name"), FIELDS)
def test_it_says_what_get_display_says(model, field_name, language):
    field = model._meta.get_field(field_name)
    template = Template('{% load portal %}{{ record|choice:"' + field_name + '" }}')
    with translation.override(language):
        for value in [*(value for value, _label in field.flatchoices), "no_such_value", ""]:
            record = model(**{field.attname: value})
            expected = getattr(record, f"get_{field_name}_display")()
            assert choice_label(record, field_name) == expected
            assert template.render(Context({"record": record})) == Template("{{ x }}").render(Context({"x": expected}))


def test_a_partners_page_asks_get_display_for_none_of_its_rows(client, office_user, monkeypatch):
    partner = InstitutionFactory()
    InstitutionNameFactory(institution=partner)
    for _ in range(5):
        AgreementPartyFactory(institution=partner, agreement=AgreementFactory())
        VisitFactory().partners.add(partner)
        ProgramFactory().partners.add(partner)
    calls = []
    for model, field_name in FIELDS:
        name = f"get_{field_name}_display"
        monkeypatch.setattr(model, name, lambda record, name=name: calls.append(name))
    client.force_login(office_user)

    response = client.get(partner.get_absolute_url())

    assert response.status_code == 200
    assert calls == []
