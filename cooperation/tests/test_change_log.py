"""The history of changes shown on each record: who, when, and what changed from what to what."""

import datetime

from cooperation.lib.history import change_log, save_with_history
from cooperation.tests.factories import AgreementFactory, UnitFactory, make_user


def test_each_change_names_the_user_and_the_fields_old_and_new_values(db):
    staff = make_user("staff", first_name="Dana", last_name="Seitkali")
    agreement = AgreementFactory(title="Memorandum with Gazi University", expires_on=datetime.date(2029, 1, 15))
    new_unit = UnitFactory(name="Faculty of Engineering")
    agreement.expires_on = datetime.date(2030, 1, 15)
    agreement.responsible_unit = new_unit
    agreement.status = "negotiation"
    save_with_history(agreement, user=staff, reason="Edited")

    newest, oldest = change_log(agreement)

    assert (newest.who, newest.kind, newest.reason) == ("Dana Seitkali", "~", "Edited")
    changes = {change.field: (change.old, change.new) for change in newest.changes}
    assert changes["expires on"] == ("Jan. 15, 2029", "Jan. 15, 2030")
    assert changes["responsible unit"][1] == "Faculty of Engineering"
    assert changes["status"] == ("Signed", "Under negotiation")
    assert oldest.kind == "+" and oldest.changes == []


def test_only_the_last_entries_are_shown(db):
    agreement = AgreementFactory()
    for number in range(5):
        agreement.notes = f"note {number}"
        agreement.save()
    entries = change_log(agreement, limit=3)
    assert len(entries) == 3
    assert entries[0].changes[0].new == "note 4"
