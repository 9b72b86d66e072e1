"""The advice at the end of the check, and the summary for the therapist."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from clinical_nlu.vocabulary import VERSION_KEY
from protocol import (
    Answer,
    ClientReport,
    Decision,
    client_message,
    evaluate,
    therapist_summary,
)

NEXT_STEPS = {
    "text": "What would you like to do next?",
    "buttons": [
        {"title": "Summary for my therapist", "payload": "/request_summary"},
        {"title": "Start over", "payload": "/start_over"},
        {"title": "End", "payload": "/goodbye"},
    ],
}
# `make shell` (Rasa's terminal channel) is the therapists' tool: the summary follows the
# advice there, without asking for it.
THERAPIST_TERMINAL = "cmdline"
NOT_NAMED = "areas not named: ask the client"
AREA_LABELS = {"avoid": "Avoid entirely (pressure sores)",
               "very_gently": "Very gently only (numbness or reduced feeling)"}
NO_CHECK_YET = "There is no finished check to summarise yet. Say \"start\" to begin the check."


class ActionGiveAdvice(Action):
    """Says the advice and sends its machine-readable payload (README: the advice contract)."""

    def name(self) -> str:
        return "action_give_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return advise(dispatcher, tracker, tracker.slots)


def advise(dispatcher: CollectingDispatcher, tracker: Tracker,
           slots: dict[str, Any]) -> list[dict[str, Any]]:
    """The advice for these answers: the client's message with the contract's payload, the
    therapist's summary in the terminal, the next steps; and the result slots."""
    report = ClientReport.from_slots(slots)
    decision = evaluate(report)
    payload = {**decision.payload(), VERSION_KEY: vocabulary_version(tracker)}
    summary = therapist_view(decision, report)
    dispatcher.utter_message(
        text=client_message(decision, tracker.get_slot("clinic_phone")),
        json_message=payload,
    )
    if tracker.get_latest_input_channel() == THERAPIST_TERMINAL:
        dispatcher.utter_message(text=f"Summary for the therapist\n{summary}")
    dispatcher.utter_message(**NEXT_STEPS)
    return [
        SlotSet("advice", payload["advice"]),
        SlotSet("urgent_care", payload["urgent_care"]),
        SlotSet("advice_reasons", payload["reasons"]),
        SlotSet("rules_version", payload["rules_version"]),
        SlotSet("therapist_summary", summary),
        SlotSet(VERSION_KEY, payload[VERSION_KEY]),
    ]


class ActionStopCheck(Action):
    """A client who confirms they want to stop mid-check: the advice their answers so far
    allow, where what was not asked counts as not confirmed (an interrupted check is never a
    go-ahead), and the check ends."""

    def name(self) -> str:
        return "action_stop_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [ActiveLoop(None), SlotSet("requested_slot", None),
                *advise(dispatcher, tracker, tracker.slots)]


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
        summary = therapist_view(evaluate(report), report)
        dispatcher.utter_message(text=summary)
        return [SlotSet("therapist_summary", summary)]


def vocabulary_version(tracker: Tracker) -> str | None:
    """The version of the clinical vocabulary that read the client's latest message."""
    for event in reversed(tracker.events):
        version = (event.get("parse_data") or {}).get(VERSION_KEY)
        if event.get("event") == "user" and version:
            return version
    return None


def therapist_view(decision: Decision, report: ClientReport) -> str:
    """The rules' summary for the therapist, then the areas to avoid or treat very gently."""
    areas = areas_to_adapt(report)
    lines = [f"- {label}: {', '.join(areas[key])}." for key, label in AREA_LABELS.items()
             if areas[key]]
    return "\n".join([therapist_summary(decision, report),
                      "Areas to avoid or treat very gently:", *(lines or ["- none reported."])])


def areas_to_adapt(report: ClientReport) -> dict[str, list[str]]:
    """Body areas for the precautions G9 (avoid) and G5 (very gently), as the client named them."""
    def named(areas: tuple[str, ...], question: str) -> list[str]:
        if areas:
            return list(areas)
        return [NOT_NAMED] if report.answer(question) is Answer.YES else []

    return {"avoid": named(report.pressure_sore_areas, "pressure_sores"),
            "very_gently": named(report.sensory_areas, "sensory_change")}
