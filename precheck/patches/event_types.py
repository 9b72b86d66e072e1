"""Finds an event's class by its type name from a table, as Rasa does by walking classes.

Rasa 3.6 turns every stored or returned event into an object through
`Event.resolve_by_type`, which walks the whole tree of Event subclasses (checking each for
abstract methods) per event: about 70 walks a turn, most of the time spent reading a
conversation from the tracker store (bench/README.md). The table holds the class Rasa's
walk would return first for each name; names it does not hold (old "topic" events, a
default, an unknown name) still go to Rasa's own lookup.
"""

from __future__ import annotations

from functools import cache

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_rasas_lookup = Event.resolve_by_type


@cache
def _classes_by_name() -> dict[str, type[Event]]:
    # Reversed, so that the first class of Rasa's walk wins when two share a name.
    return {cls.type_name: cls for cls in reversed(all_subclasses(Event))}


def resolve_by_type(type_name: str,
                    default: type[Event] | None = None) -> type[Event] | None:
    known = _classes_by_name().get(type_name)
    if known is not None:
        return known
    found = _rasas_lookup(type_name, default)
    if found is not None and found is not default:
        _classes_by_name.cache_clear()  # an Event class defined after the table was made
    return found


def apply() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)


def applied() -> bool:
    return Event.resolve_by_type is resolve_by_type
