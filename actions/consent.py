"""Welcome and consent. Consent governs the questions we ask, not whether we warn: an urgent
sign the client has told gets the urgent advice at once, whatever they say to "shall we
start?"."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import understanding
from actions.advice import advise
from actions.intake_form import session_messages
from clinical_nlu.vocabulary import finding_slots
from protocol import questions

NO_CONSENT = ("That's fine. I won't ask you anything. If you have questions before your "
              "session, call {clinic_name} on {clinic_phone}. Take care.")
# "Shall we start?" is asked again at most this many times after the welcome; then the
# client is told how to start later and whom to call (no endless loop).
ASKS_AGAIN = 2
CONSENT_UNREAD = ("I'm sorry, I couldn't tell whether you'd like to do the check, so I'll "
                  "leave it for now. Say \"start\" whenever you're ready, or call {clinic_name} "
                  "on {clinic_phone} before your session.")
WELCOME = "action_welcome"
ASK_AGAIN = "action_ask_consent_again"


def urgent_advice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The urgent advice, if the client has told of a red flag in this session; else
    nothing."""
    stated = understanding.understand_history(session_messages(tracker), finding_slots())
    if not any(stated.get(flag) == questions.YES for flag in questions.RED_FLAGS):
        return []
    answered = {**tracker.slots, **stated}
    return [*(SlotSet(slot, value) for slot, value in stated.items()),
            *advise(dispatcher, tracker, answered)]


def _clinic(tracker: Tracker) -> dict[str, Any]:
    return {"clinic_name": tracker.get_slot("clinic_name"),
            "clinic_phone": tracker.get_slot("clinic_phone")}


class _UrgentFirst(Action, metaclass=ABCMeta):
    """Urgent advice at once if the client has told of a red flag; otherwise `reply`.
    Abstract, so rasa_sdk registers only the actions below."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        urgent = urgent_advice(dispatcher, tracker)
        if urgent:
            return urgent
        self.reply(dispatcher, tracker)
        # An event even so: the fail-safe policy reads an action without events as failed.
        return [SlotSet("requested_slot", None)]

    @abstractmethod
    def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """What to say when no red flag was told."""


class ActionWelcome(_UrgentFirst):
    """The welcome, the disclaimer and "shall we start?"; the urgent advice instead when the
    client's first words tell of a red flag."""

    def name(self) -> str:
        return WELCOME

    def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(response="utter_welcome")


class ActionAskConsentAgain(_UrgentFirst):
    """An unclear reply, a doubt or a question in reply to "shall we start?": the question
    again, with what the check is, at most ASKS_AGAIN times; the urgent advice instead when
    a red flag has been told."""

    def name(self) -> str:
        return ASK_AGAIN

    def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        if times_asked_again(tracker.events) < ASKS_AGAIN:
            dispatcher.utter_message(response="utter_consent_unsure")
        else:
            dispatcher.utter_message(text=CONSENT_UNREAD.format(**_clinic(tracker)))


def times_asked_again(events: list[dict[str, Any]]) -> int:
    """How often "shall we start?" was asked again since the latest welcome."""
    count = 0
    for event in reversed(events):
        if event.get("event") == "action" and event.get("name") == WELCOME:
            break
        count += event.get("event") == "action" and event.get("name") == ASK_AGAIN
    return count


class ActionDecline(_UrgentFirst):
    """"No" to "shall we start?": the urgent advice if a red flag was stated, else a polite
    end."""

    def name(self) -> str:
        return "action_decline"

    def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(text=NO_CONSENT.format(**_clinic(tracker)))
