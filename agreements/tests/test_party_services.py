"""agreement_set_parties: the form's parties and signatories become exactly the stored ones."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.services import agreement_set_parties
from cooperation.tests.factories import AgreementFactory, InstitutionFactory

SIGNED = datetime.date(2025, 2, 4)


@pytest.fixture
def colleges(db):
    return [
        InstitutionFactory(name=name, country="KZ")
        for name in ("Almaty College of Technology", "ALMATY POLYTECHNIC COLLEGE")
    ]


def test_it_stores_parties_in_order_with_their_signatories(university, office_user, colleges):
    agreement = AgreementFactory(responsible_unit=university)
    agreement_set_parties(
        agreement=agreement,
        rows=[
            {
                "unit": university,
                "signatory_name": "Sarsenbekova G.A.",
                "signatory_position": "Rector",
                "signed_on": SIGNED,
            },
            {"institution": colleges[0], "signatory_name": "Karagulov E.S.", "signatory_position": "Director"},
            {"institution": colleges[1]},
        ],
        user=office_user,
    )
    parties = list(agreement.parties.order_by("order"))
    assert [party.unit or party.institution for party in parties] == [university, *colleges]
    assert [(s.full_name, s.position, s.signed_on) for s in agreement.signatories.order_by("party__order")] == [
        ("Sarsenbekova G.A.", "Rector", SIGNED),
        ("Karagulov E.S.", "Director", None),
    ]
    assert parties[0].history.first().history_user == office_user


def test_editing_keeps_the_parties_that_stay_and_removes_the_others(university, office_user, colleges):
    agreement = AgreementFactory(responsible_unit=university)
    agreement_set_parties(
        agreement=agreement,
        rows=[{"unit": university}, {"institution": colleges[0], "signatory_name": "Karagulov E.S."}],
        user=office_user,
    )
    kept = agreement.parties.get(institution=colleges[0])
    agreement_set_parties(
        agreement=agreement, rows=[{"institution": colleges[0], "signatory_name": "Akhmetov B.S."}], user=office_user
    )
    assert list(agreement.parties.all()) == [kept]
    assert list(agreement.signatories.values_list("full_name", flat=True)) == ["Akhmetov B.S."]


def test_a_party_listed_twice_is_refused_and_nothing_is_written(university, office_user, colleges):
    agreement = AgreementFactory(responsible_unit=university)
    with pytest.raises(ValidationError, match="listed twice"):
        agreement_set_parties(
            agreement=agreement, rows=[{"institution": colleges[0]}, {"institution": colleges[0]}], user=office_user
        )
    assert agreement.parties.count() == 0
