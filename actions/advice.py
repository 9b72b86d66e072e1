"""The advice at the end of the check, and the summary for the therapist."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety_rules import ClientReport, client_message, evaluate, therapist_summary

NEXT_STEPS = {
    "text": "What would you like to do next?",
    "buttons": [
        {"title": "Summary for my therapist", "payload": "/request_summary"},
        {"title": "Start over", "payload": "/start_over"},
        {"title": "End", "payload": "/goodbye"},
    ],
}
NO_CHECK_YET = "There is no finished check to summarise yet. Say \"start\" to begin the check."


class ActionGiveAdvice(Action):
    """Says the advice and sends its machine-readable payload (README: the advice contract)."""

    def name(self) -> str:
        return "action_give_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        report = ClientReport.from_slots(tracker.slots)
        decision = evaluate(report)
        payload = decision.payload()
        dispatcher.utter_message(
            text=client_message(decision, tracker.get_slot("clinic_phone")),
            json_message=payload,
        )
        dispatcher.utter_message(**NEXT_STEPS)
        return [
            SlotSet("advice", payload["advice"]),
            SlotSet("urgent_care", payload["urgent_care"]),
            SlotSet("advice_reasons", payload["reasons"]),
            SlotSet("rules_version", payload["rules_version"]),
            SlotSet("therapist_summary", therapist_summary(decision, report)),
        ]


class ActionShowSummary(Action):
    """The therapist's summary of the finished check (also kept in a slot for the API)."""

    def name(self) -> str:
        return "action_show_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("advice") is None:
            dispatcher.utter_message(text=NO_CHECK_YET)
            return [SlotSet("therapist_summary", None)]
        report = ClientReport.from_slots(tracker.slots)
        summary = therapist_summary(evaluate(report), report)
        dispatcher.utter_message(text=summary)
        return [SlotSet("therapist_summary", summary)]
