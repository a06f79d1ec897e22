"""manage.py seed_bulk: synthetic data in bulk, valid and searchable like data entered by hand."""

import io
import random

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement, AgreementParty, Quota, Signatory
from cooperation.demo.bulk import BulkSeeder, Sizes, seed_bulk
from cooperation.models import FollowUpAction, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import Contact, Institution, InstitutionName

SIZES = {"partners": 60, "agreements": 200, "visits": 80, "participants": 400}


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed_bulk", **SIZES, stdout=out)
    return out.getvalue()


def test_seeds_the_counts_asked_for(seeded):
    assert Institution.objects.count() == SIZES["partners"]
    assert Agreement.objects.count() == SIZES["agreements"]
    assert Visit.objects.count() == SIZES["visits"]
    assert Participant.objects.count() == SIZES["participants"]
    assert Program.objects.count() == SIZES["participants"] // 40
    assert "Seeded in" in seeded


def test_seeds_the_rows_around_them(seeded):
    assert InstitutionName.objects.count() > SIZES["partners"]
    assert Contact.objects.exists()
    # Every agreement has our side and at least one partner.
    assert AgreementParty.objects.filter(unit__isnull=False).values("agreement").distinct().count() == 200
    assert AgreementParty.objects.filter(institution__isnull=False).values("agreement").distinct().count() == 200
    assert Signatory.objects.exists() and Quota.objects.exists()
    assert VisitParticipant.objects.filter(side="partner").exists()
    assert FollowUpAction.objects.exists()
    assert Program.partners.through.objects.count() >= Program.objects.count()


def test_statuses_come_in_plausible_proportions(seeded):
    signed = Agreement.objects.filter(status=Agreement.Status.SIGNED).count()
    assert signed > SIZES["agreements"] / 2
    assert Agreement.objects.exclude(status=Agreement.Status.SIGNED).exists()
    # The renewed ones are continued by a successor.
    for agreement in Agreement.objects.filter(status=Agreement.Status.RENEWED):
        assert agreement.renewed_by.status == Agreement.Status.SIGNED
    years = {day.year for day in Agreement.objects.exclude(signed_on=None).values_list("signed_on", flat=True)}
    assert max(years) - min(years) >= 10


def test_search_text_is_built_as_the_model_builds_it(seeded):
    for institution in Institution.objects.prefetch_related("names")[:30]:
        stored = institution.search_text
        institution.refresh_search_text()
        assert stored == institution.search_text


def test_search_finds_a_seeded_partner_by_a_variant(seeded):
    variant = InstitutionName.objects.filter(language="ru").select_related("institution").first()
    assert variant is not None
    # Upper case: search ignores case and the Kazakh/Russian letter differences.
    assert variant.institution in Institution.objects.search(variant.name.upper())
    assert variant.institution.name != variant.name


def test_names_come_in_several_scripts(seeded):
    names = " ".join(Institution.objects.values_list("name", flat=True)) + " ".join(
        InstitutionName.objects.values_list("name", flat=True)
    )
    assert any("\u0400" <= char <= "\u04ff" for char in names)  # Cyrillic
    assert any(char.isascii() and char.isalpha() for char in names)


@pytest.mark.parametrize(
    "model", [Institution, InstitutionName, Contact, Agreement, AgreementParty, Quota, Visit, Program, Participant]
)
def test_a_sample_passes_full_clean(seeded, model):
    rows = list(model.objects.order_by("pk"))
    for row in random.Random(1).sample(rows, min(len(rows), 25)):
        row.full_clean()


def test_the_same_seed_gives_the_same_names():
    def names(seed):
        seeder = BulkSeeder(Sizes(), seed=seed)
        return [seeder._partner_names(country, "university") for country in ["KZ", "CN", "TR", "KR", "DE"] * 5]

    assert names(3) == names(3)
    assert names(3) != names(4)


def test_official_names_are_unique(db):
    seed_bulk(Sizes(partners=300, agreements=0, visits=0, participants=0), seed=3)
    names = list(Institution.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names) == 300


def test_refuses_negative_sizes(db):
    with pytest.raises(CommandError):
        call_command("seed_bulk", partners=-1, stdout=io.StringIO())
