"""The forms that enter a whole visit: the visit and its participants."""

from cooperation.visits.forms import ParticipantFormSet, VisitForm
from cooperation.visits.models import Visit


def test_the_visit_form_refuses_an_end_before_the_start(faculty):
    form = VisitForm(
        data={
            "title": "Delegation",
            "kind": "incoming_delegation",
            "status": "planned",
            "starts_on": "2025-09-25",
            "ends_on": "2025-09-24",
            "host_unit": faculty.pk,
        }
    )
    assert not form.is_valid()
    assert "A visit cannot end before it starts." in str(form.errors)


def test_a_participant_row_must_name_someone(faculty):
    data = {
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-side": "partner",
        "participants-0-role": "head",
    }
    formset = ParticipantFormSet(data=data, instance=Visit(host_unit=faculty), prefix="participants")
    assert not formset.is_valid()
    assert "Name the participant" in str(formset.errors)
