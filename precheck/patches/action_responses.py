"""Checks the action server's responses as Rasa does, with the schema checked once.

Rasa 3.6 checks every response of the action server with `jsonschema.validate`, which
first checks its large events schema itself: about 49 of the 111 ms of a turn
(bench/README.md). The same check, against the same schema, with the validator built
once; an invalid response still raises the error Rasa raises.

Each event of a response must match exactly one of the schema's event kinds (`oneOf`,
23 of them), so the full check tries every kind for every event (1.1 ms for three slot
events). Each kind fixes the event's name (`"event": {"const": ...}`), so only the kind
named by the event can match it: a response that passes the schema without the kinds,
and whose every event passes the kind it names, passes the whole schema. That is checked
first; anything else gets the full check and its error.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@cache
def _by_event_kind() -> tuple[Any, dict[str, Any]] | None:
    """The schema without the event kinds, and a validator per kind by event name; None
    if the kinds are not told apart by their names (a later Rasa): full check only."""
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    events = schema["properties"]["events"]["items"]
    kinds = events.pop("oneOf")
    names = [kind.get("properties", {}).get("event", {}).get("const") for kind in kinds]
    if None in names or len(set(names)) != len(names) or "event" not in events["required"]:
        return None
    validator_class = validator_for(schema)
    return validator_class(schema), dict(zip(names, map(validator_class, kinds), strict=True))


def certainly_valid(result: Any) -> bool:
    """True only for a response the full schema accepts (see the module's docstring)."""
    lean = _by_event_kind()
    if lean is None:
        return False
    without_kinds, kind_named = lean
    if not without_kinds.is_valid(result):
        return False
    return all(event["event"] in kind_named and kind_named[event["event"]].is_valid(event)
               for event in result.get("events", []))


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if certainly_valid(result):
        return True
    error: ValidationError | None = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result


def applied() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
