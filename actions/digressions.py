"""Answers to questions the client asks in the middle of the check."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from protocol import questions


class ActionExplainQuestion(Action):
    """"Why do you ask?": explains the open question (the form then asks it again)."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = tracker.get_slot("requested_slot")
        if question:
            dispatcher.utter_message(text=questions.why_we_ask(question))
        else:
            dispatcher.utter_message(response="utter_about_the_check")
        return []


class ActionExplainTerm(Action):
    """"What is Uhthoff's?": a short plain answer from the glossary."""

    def name(self) -> str:
        return "action_explain_term"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        meaning = questions.explain_term(tracker.latest_message.get("text") or "")
        if meaning is None:
            meaning = ("I can explain these words: " + ", ".join(questions.known_terms())
                       + ". For anything else, please ask the clinic.")
        dispatcher.utter_message(text=meaning)
        return []
