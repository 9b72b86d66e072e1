"""The faster check of the action server's responses accepts and refuses what Rasa's does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from precheck import patches

VALID = {"events": [{"event": "slot", "name": "fever", "value": "no", "timestamp": None}],
         "responses": [{"text": "Thanks."}]}
INVALID = [
    {"events": [{"event": "slot", "value": "no"}]},           # a slot without its name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]

patches.install()  # as precheck/run_rasa.py does in every Rasa server


def test_rasa_uses_the_check_built_once():
    from precheck.patches.action_responses import _validate_action_result

    assert RemoteAction._validate_action_result is _validate_action_result


def test_a_valid_response_passes():
    assert RemoteAction._validate_action_result(None, VALID) is True


@pytest.mark.parametrize("response", INVALID)
def test_an_invalid_response_is_refused_with_rasas_error(response):
    with pytest.raises(jsonschema.ValidationError) as rasas:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as ours:
        RemoteAction._validate_action_result(None, response)
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message


# One event of each kind Rasa's schema names, as an action server sends them, and events
# that break it: each alone, then together in one response.
EVENTS = [
    {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
    {"event": "action", "name": "utter_welcome", "policy": None, "confidence": 1.0},
    {"event": "slot", "name": "fever", "value": None},
    {"event": "slot", "name": "fever", "value": {"any": ["value"]}, "timestamp": 1.5},
    {"event": "entities", "entities": [{"entity": "symptom", "value": "fever"}]},
    {"event": "active_loop", "name": "precheck_form"},
    {"event": "bot", "text": "Thanks.", "data": {}},
    {"event": "session_started"}, {"event": "restart"}, {"event": "followup", "name": "x"},
    {"event": "reminder"}, {"event": "reset_slots"}, {"event": "undo"}, {"event": "rewind"},
]
BROKEN_EVENTS = [
    {"event": "slot", "value": "no"},                      # no name
    {"event": "slot", "name": 3, "value": "no"},           # a name that is not a string
    {"event": "user", "text": 3},
    {"event": "action", "confidence": "high"},
    {"event": "entities", "entities": ["fever"]},
    {"event": "no_such_event"},
    {"event": 7},
    {"name": "fever", "value": "no"},                      # no event name
    {"event": "slot", "name": "fever", "value": 1, "timestamp": "noon"},
    {"event": "bot", "metadata": "not an object"},
    "slot",
]


def responses() -> list:
    singles = [{"events": [event]} for event in EVENTS + BROKEN_EVENTS]
    return [*singles, {"events": EVENTS, "responses": [{"text": "x"}]},
            {"events": [*EVENTS, BROKEN_EVENTS[0]]}, *INVALID, VALID, {}, [], "events"]


@pytest.mark.parametrize("response", responses())
def test_the_quick_check_passes_only_what_the_full_schema_passes(response):
    from precheck.patches.action_responses import certainly_valid

    spec = RemoteAction.action_response_format_spec()
    full = jsonschema.validators.validator_for(spec)(spec)  # as jsonschema.validate picks
    assert certainly_valid(response) == full.is_valid(response)
