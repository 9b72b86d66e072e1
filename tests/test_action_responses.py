"""The faster check of the action server's responses accepts and refuses what Rasa's does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import scaling  # noqa: F401  (installs the check, as Rasa's import of the tracker store does)

VALID = {"events": [{"event": "slot", "name": "fever", "value": "no", "timestamp": None}],
         "responses": [{"text": "Thanks."}]}
INVALID = [
    {"events": [{"event": "slot", "value": "no"}]},           # a slot without its name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


def test_rasa_uses_the_check_built_once():
    from scaling.action_responses import _validate_action_result

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
