"""The table of event classes answers as Rasa's own walk over the Event classes does."""

import pytest
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from precheck import patches
from precheck.patches import event_types

patches.install()  # as precheck/run_rasa.py does in every Rasa server


def rasas_walk(type_name):
    return next(cls for cls in all_subclasses(Event) if cls.type_name == type_name)


def test_rasa_uses_the_table():
    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("type_name", sorted({cls.type_name for cls in all_subclasses(Event)}))
def test_every_event_name_resolves_to_the_class_rasa_would_find(type_name):
    assert Event.resolve_by_type(type_name) is rasas_walk(type_name)


def test_stored_events_come_back_as_the_same_events():
    events = [UserUttered("no fever", {"name": "deny"}), SlotSet("fever", "no")]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_unknown_names_keep_rasas_answers():
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_defined_later_is_found():
    class ClinicNote(Event):
        type_name = "clinic_note_for_this_test"

        def __eq__(self, other):
            return isinstance(other, ClinicNote)

        def __hash__(self):
            return 0

        def as_story_string(self):
            return None

    assert Event.resolve_by_type("clinic_note_for_this_test") is ClinicNote
    assert Event.resolve_by_type("clinic_note_for_this_test") is ClinicNote
