"""A client who does not want to do the check: asked nothing more, unless they have already
told of an urgent sign. Consent governs the questions we ask, not whether we warn."""

from __future__ import annotations

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


class ActionDecline(Action):
    """"No" to "shall we start?": the urgent advice if a red flag was stated, else a polite
    end."""

    def name(self) -> str:
        return "action_decline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stated = understanding.understand_history(session_messages(tracker), finding_slots())
        if any(stated.get(flag) == questions.YES for flag in questions.RED_FLAGS):
            answered = {**tracker.slots, **stated}
            return [*(SlotSet(slot, value) for slot, value in stated.items()),
                    *advise(dispatcher, tracker, answered)]
        dispatcher.utter_message(text=NO_CONSENT.format(
            clinic_name=tracker.get_slot("clinic_name"),
            clinic_phone=tracker.get_slot("clinic_phone")))
        # An event even so: the fail-safe policy reads an action without events as failed.
        return [SlotSet("requested_slot", None)]
