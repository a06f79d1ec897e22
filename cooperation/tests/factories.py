"""factory-boy factories for every core model, shared by all apps' tests."""

import datetime

import factory
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from agreements.models import Agreement, AgreementDocument, AgreementParty, DocumentVersion, Quota, Signatory
from cooperation import roles
from cooperation.visits.models import FollowUpAction, Visit, VisitParticipant
from mobility.models import Participant, Program
from partners.models import Contact, Institution, InstitutionName, Profile, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Faculty {n}")
    kind = Unit.Kind.FACULTY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@university.example")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda user: user.username.title())
    password = factory.django.Password("secret")


def make_user(username: str, role: str | None = None, unit: Unit | None = None, language: str = "en", **fields):
    """A user in one of the roles of cooperation.roles, with a profile."""
    user = UserFactory(username=username, **fields)
    if role:
        if not Group.objects.filter(name=role).exists():
            # A transactional test (live_server) flushed the groups the data migration made.
            roles.sync_role_permissions(django_apps)
        user.groups.add(Group.objects.get(name=role))
    Profile.objects.update_or_create(user=user, defaults={"unit": unit, "language": language})
    return user


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Partner University {n}")
    country = "TR"
    city = "Ankara"
    kind = Institution.Kind.UNIVERSITY


class InstitutionNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionName

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")
    language = "ru"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    institution = factory.SubFactory(InstitutionFactory)
    full_name = factory.Sequence(lambda n: f"Contact Person {n}")
    position = "Dean"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Memorandum {n}")
    kind = Agreement.Kind.MOU
    status = Agreement.Status.SIGNED
    responsible_unit = factory.SubFactory(UnitFactory)
    signed_on = datetime.date(2024, 1, 15)
    valid_from = datetime.date(2024, 1, 15)
    expires_on = datetime.date(2029, 1, 15)


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    institution = factory.SubFactory(InstitutionFactory)


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    party = factory.SubFactory(AgreementPartyFactory)
    agreement = factory.SelfAttribute("party.agreement")
    full_name = factory.Sequence(lambda n: f"Signatory {n}")
    position = "Rector"


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    class Params:
        academic_year = "2025/2026"

    agreement = factory.SubFactory(AgreementFactory)
    first_academic_year = factory.SelfAttribute("academic_year")
    last_academic_year = factory.SelfAttribute("academic_year")
    direction = Quota.Direction.OUTGOING
    category = Quota.Category.STUDENT_STUDIES
    places = 2


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    title = factory.Sequence(lambda n: f"Delegation {n}")
    kind = Visit.Kind.INCOMING_DELEGATION
    starts_on = datetime.date(2025, 9, 25)
    ends_on = factory.SelfAttribute("starts_on")
    host_unit = factory.SubFactory(UnitFactory)


class VisitParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitParticipant

    visit = factory.SubFactory(VisitFactory)
    side = VisitParticipant.Side.PARTNER
    contact = factory.SubFactory(ContactFactory)


class FollowUpActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAction

    visit = factory.SubFactory(VisitFactory)
    description = factory.Sequence(lambda n: f"Send the draft memorandum {n}")
    owner = factory.SubFactory(UserFactory)
    due_on = datetime.date(2025, 10, 15)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    title = factory.Sequence(lambda n: f"Exchange program {n}")
    kind = Program.Kind.EXCHANGE
    unit = factory.SubFactory(UnitFactory)
    academic_year = "2025/2026"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    program = factory.SubFactory(ProgramFactory)
    direction = "outgoing"
    full_name = factory.Sequence(lambda n: f"Student {n}")
    unit = factory.SelfAttribute("program.unit")
    partner_institution = factory.SubFactory(InstitutionFactory)


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementDocument

    agreement = factory.SubFactory(AgreementFactory)
    kind = AgreementDocument.Kind.SIGNED
    title = "Signed copy"


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(AgreementDocumentFactory)
    number = 1
    file = factory.django.FileField(filename="signed.pdf", data=b"%PDF-1.7\n%%EOF\n")
    original_name = "signed.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = "0" * 64
