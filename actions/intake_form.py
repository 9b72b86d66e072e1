"""The intake form's validation action: fills answers and asks the next question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import understanding
from clinical_nlu.vocabulary import finding_slots
from protocol import questions

REQUESTED_SLOT = "requested_slot"
# The fail-safe's message (config.yml: FailSafePolicy's safe_message).
SAFE_MESSAGE = "utter_default"


class ValidatePrecheckForm(Action):
    """Validation action of `precheck_form`.

    Not a FormValidationAction with one extract_/validate_ method per slot: one
    message can answer many questions ("no fever but my foot is numb"), so each turn
    is understood as a whole, then the next open question is asked from
    protocol/questions.yml (the form has no utter_ask_ responses; Rasa then leaves
    asking to this action).
    """

    def name(self) -> str:
        return "validate_precheck_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        updates = self._understand(dispatcher, tracker)
        if updates is None:
            return []  # a digression: Rasa rejects the form and a rule answers it
        slots = {**tracker.slots, **updates}
        next_question = questions.next_question(slots)
        if next_question is not None:
            dispatcher.utter_message(**questions.question_message(next_question))
        events = [SlotSet(slot, value) for slot, value in updates.items()]
        return [*events, SlotSet(REQUESTED_SLOT, next_question)]

    def _understand(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any] | None:
        question = tracker.get_slot(REQUESTED_SLOT)
        if question is None:  # the form starts: use what the client already said
            return understanding.understand_history(session_messages(tracker), finding_slots())
        if _form_rejected_latest_message(tracker):
            return {}  # back from a digression: nothing new to read, ask again
        if _came_after_a_failure(tracker):
            # The client last read "can't finish the check", not the question: what they
            # say now is not taken for its answer, the question is asked again. Its slot is
            # set to what it is (unanswered): Rasa rejects a form step that sets no slot.
            return {question: None}
        turn = understanding.understand(
            tracker.latest_message, tracker.slots, question, finding_slots(),
            turns=replies_while_open(tracker.events, question),
        )
        if turn is None:
            return None
        for message in turn.messages:
            dispatcher.utter_message(text=message)
        return turn.updates


def _form_rejected_latest_message(tracker: Tracker) -> bool:
    """True when the latest message was a digression the rules have just answered."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action_execution_rejected":
            return True
    return False


def _came_after_a_failure(tracker: Tracker) -> bool:
    """True when the fail-safe's message came between the client's previous message and
    the latest (precheck/policies/fail_safe.py: an action failed, e.g. the action server
    was down), so the question they were answering is no longer the last thing they read."""
    messages = 0  # the client's, counted from the latest
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages += 1
            if messages == 2:
                return False
        elif messages == 1 and event.get("event") == "action" \
                and event.get("name") == SAFE_MESSAGE:
            return True
    return False


def replies_while_open(events: list[dict[str, Any]], question: str) -> int:
    """How many client messages have come since `question` was first asked (this one
    included); the form sets `requested_slot` again each time it asks it again."""
    replies = seen = 0
    for event in reversed(events):
        if event.get("event") == "user":
            seen += 1
        elif event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            if event.get("value") != question:
                break
            replies = seen
    return replies


def session_messages(tracker: Tracker) -> list[dict[str, Any]]:
    """Parsed client messages since the conversation (or this session) began."""
    messages: list[dict[str, Any]] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            messages.clear()
        elif event.get("event") == "user":
            messages.append(event.get("parse_data") or {})
    return messages
