"""The custom actions, hermetically: Tracker fixtures in, exact events and messages out."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import understanding
from actions.advice import (
    NEXT_STEPS,
    NO_CHECK_YET,
    ActionGiveAdvice,
    ActionShowSummary,
    ActionStopCheck,
)
from actions.digressions import ActionExplainQuestion, ActionExplainTerm
from actions.intake_form import ValidatePrecheckForm, replies_while_open
from protocol import RULES_VERSION, questions

NO_RED_FLAGS = {flag: "no" for flag in questions.RED_FLAGS}


def answered_until(question):
    """Slots of a client who said "no" to everything asked before `question`."""
    before = questions.ANSWERS[: questions.ANSWERS.index(question)]
    return {**NO_RED_FLAGS, "red_flag_screen": "no", **dict.fromkeys(before, "no"),
            "requested_slot": question}


RETURNING_CLIENT_ALL_WELL = {
    **NO_RED_FLAGS,
    **{question: "no" for question in questions.ANSWERS},
    "red_flag_screen": "no",
    "conditions_screen": "no",
    "clinic_phone": "555-0100",
}


def tracker(slots, latest_message=None, events=None):
    return Tracker.from_dict({
        "sender_id": "client-1",
        "slots": slots,
        "latest_message": latest_message or {},
        "latest_action_name": "precheck_form",
        "events": events or [],
        "active_loop": {"name": "precheck_form"},
    })


def user(text, intent, entities=()):
    return {"text": text, "intent": {"name": intent, "confidence": 1.0},
            "entities": list(entities)}


async def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, {})
    return events, dispatcher.messages


async def test_the_form_starts_with_the_red_flag_screen():
    events, messages = await run(ValidatePrecheckForm(), tracker({}, user("yes", "affirm")))
    assert events == [SlotSet("requested_slot", "red_flag_screen")]
    assert messages[0]["text"] == questions.question_message("red_flag_screen")["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Yes", "No", "Not sure"]


async def test_a_no_to_the_red_flag_screen_moves_to_the_flare_up_question():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker({"requested_slot": "red_flag_screen"}, user("nope", "deny")),
    )
    assert events == [
        SlotSet("red_flag_screen", "no"),
        *[SlotSet(flag, "no") for flag in questions.RED_FLAGS],
        SlotSet("requested_slot", "active_flare_up"),
    ]
    assert messages[0]["text"] == questions.question_message("active_flare_up")["text"]


async def test_a_red_flag_ends_the_form_at_once():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker({"requested_slot": "red_flag_which", "red_flag_screen": "yes"},
                user("/inform", "inform", [{"entity": "red_flag", "value": "stroke_signs"}])),
    )
    assert events == [SlotSet("stroke_signs", "yes"), SlotSet("requested_slot", None)]
    assert messages == []


async def test_a_digression_is_rejected_for_the_rules():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker({**NO_RED_FLAGS, "requested_slot": "fever"}, user("why do you ask?", "ask_why")),
    )
    assert events == []
    assert messages == []


async def test_after_a_digression_the_open_question_is_asked_again():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker(answered_until("fever"), user("why do you ask?", "ask_why"),
                events=[{"event": "user", "text": "why do you ask?"},
                        {"event": "action_execution_rejected", "name": "precheck_form"},
                        {"event": "action", "name": "action_explain_question"}]),
    )
    assert events == [SlotSet("requested_slot", "fever")]
    assert messages[0]["text"] == questions.question_message("fever")["text"]


# The action server was down for the client's previous message: the fail-safe answered.
FAILED_TURN = [{"event": "user", "text": "no"},
               {"event": "action", "name": "precheck_form"},
               {"event": "action", "name": "utter_default"},
               {"event": "bot", "text": "Sorry, I can't finish the check right now."},
               {"event": "action", "name": "action_listen"}]


async def test_the_first_message_after_a_failure_is_not_read_as_the_answer():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker(answered_until("fever"), user("no", "deny"),
                events=[*FAILED_TURN, {"event": "user", "text": "no"}]),
    )
    assert events == [SlotSet("fever", None), SlotSet("requested_slot", "fever")]
    assert messages[0]["text"] == questions.question_message("fever")["text"]


async def test_once_asked_again_after_a_failure_the_answer_is_read():
    asked_again = [{"event": "user", "text": "no"},
                   {"event": "action", "name": "precheck_form"},
                   {"event": "slot", "name": "requested_slot", "value": "fever"},
                   {"event": "action", "name": "action_listen"}]
    events, _ = await run(
        ValidatePrecheckForm(),
        tracker(answered_until("fever"), user("no", "deny"),
                events=[*FAILED_TURN, *asked_again, {"event": "user", "text": "no"}]),
    )
    assert SlotSet("fever", "no") in events


async def test_an_unclear_answer_is_asked_again_once():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker(answered_until("fever"), user("purple", "nlu_fallback")),
    )
    assert events == [SlotSet("unclear_answer", "fever"), SlotSet("requested_slot", "fever")]
    assert len(messages) == 2


async def test_advice_for_a_returning_client_with_nothing_to_report():
    read = {"event": "user", "text": "no", "parse_data": {"intent": {"name": "deny"},
                                                          "vocabulary_version": "1.0.3"}}
    events, messages = await run(ActionGiveAdvice(),
                                 tracker(RETURNING_CLIENT_ALL_WELL, events=[read]))
    assert events[:4] == [
        SlotSet("advice", "proceed_gently"),
        SlotSet("urgent_care", False),
        SlotSet("advice_reasons", []),
        SlotSet("rules_version", RULES_VERSION),
    ]
    assert events[4]["name"] == "therapist_summary"
    assert "PROCEED GENTLY" in events[4]["value"]
    assert events[5] == SlotSet("vocabulary_version", "1.0.3")
    assert messages[0]["custom"] == {
        "advice": "proceed_gently", "urgent_care": False, "reasons": [], "unconfirmed": [],
        "rules_version": RULES_VERSION, "vocabulary_version": "1.0.3",
    }
    assert messages[0]["text"].startswith("You can come for your massage as planned")
    assert messages[1]["text"] == NEXT_STEPS["text"]


async def test_advice_for_a_fever_is_postpone_with_its_reason():
    slots = {**RETURNING_CLIENT_ALL_WELL, "fever": "yes"}
    events, messages = await run(ActionGiveAdvice(), tracker(slots))
    assert SlotSet("advice", "postpone") in events
    assert SlotSet("advice_reasons", ["P3"]) in events
    assert messages[0]["custom"]["reasons"] == ["P3"]


async def test_an_interrupted_check_never_says_go_ahead():
    events, _ = await run(ActionGiveAdvice(), tracker({"clinic_phone": "555-0100"}))
    assert SlotSet("advice", "postpone") in events
    assert SlotSet("urgent_care", True) in events


async def test_the_summary_waits_for_a_finished_check():
    events, messages = await run(ActionShowSummary(), tracker({}))
    assert events == [SlotSet("therapist_summary", None)]
    assert messages[0]["text"] == NO_CHECK_YET


async def test_the_summary_names_the_rule_ids():
    slots = {**RETURNING_CLIENT_ALL_WELL, "first_massage": "yes", "advice": "shorten"}
    events, messages = await run(ActionShowSummary(), tracker(slots))
    assert "S2" in messages[0]["text"]
    assert events == [SlotSet("therapist_summary", messages[0]["text"])]


@pytest.mark.parametrize("requested, expected", [
    ("fever", questions.why_we_ask("fever")),
    ("first_massage", questions.why_we_ask("first_massage")),
])
async def test_why_we_ask_explains_the_open_question(requested, expected):
    events, messages = await run(ActionExplainQuestion(), tracker({"requested_slot": requested}))
    assert events == []
    assert messages[0]["text"] == expected


async def test_unknown_terms_get_the_list_of_known_ones():
    _, messages = await run(ActionExplainTerm(), tracker({}, user("what is a zorb?", "ask_term")))
    assert "Uhthoff" in messages[0]["text"] or "uhthoff" in messages[0]["text"]


async def test_stopping_mid_check_gives_the_advice_the_answers_so_far_allow():
    slots = {**NO_RED_FLAGS, "red_flag_screen": "no", "active_flare_up": "no",
             "requested_slot": "recent_relapse", "clinic_phone": "555-0100"}
    events, messages = await run(ActionStopCheck(), tracker(slots))
    assert events[:2] == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert SlotSet("advice", "postpone") in events
    assert SlotSet("urgent_care", False) in events  # the red flags were answered no
    assert "P7" in messages[0]["custom"]["unconfirmed"]  # not asked: not confirmed
    assert messages[-1]["text"] == NEXT_STEPS["text"]


async def test_not_sure_to_the_red_flag_screen_asks_the_red_flags_one_at_a_time():
    events, messages = await run(
        ValidatePrecheckForm(),
        tracker({"requested_slot": "red_flag_screen"}, user("not sure", "unsure")),
    )
    assert events == [SlotSet("red_flag_screen", "unknown"),
                      SlotSet("requested_slot", "stroke_signs")]
    assert messages[0]["text"] == questions.question_message("stroke_signs")["text"]


async def test_each_red_flag_denied_one_at_a_time_continues_the_check():
    slots = {"red_flag_screen": "unknown", **NO_RED_FLAGS, "cannot_walk_or_stand_safely": None,
             "requested_slot": "cannot_walk_or_stand_safely"}
    events, _ = await run(ValidatePrecheckForm(), tracker(slots, user("no", "deny")))
    assert events == [SlotSet("cannot_walk_or_stand_safely", "no"),
                      SlotSet("requested_slot", "active_flare_up")]


async def test_a_red_flag_still_not_sure_one_at_a_time_ends_the_check_for_urgent_advice():
    slots = {"red_flag_screen": "unknown", "requested_slot": "stroke_signs"}
    events, _ = await run(ValidatePrecheckForm(), tracker(slots, user("not sure", "unsure")))
    assert events == [SlotSet("stroke_signs", "unknown"), SlotSet("requested_slot", None)]


def asked(question):
    return {"event": "slot", "name": "requested_slot", "value": question}


def said(text):
    return {"event": "user", "text": text}


def test_replies_are_counted_from_when_the_question_was_first_asked():
    events = [said("no"), asked("active_flare_up"), said("yes"), asked("fever"),
              said("why?"), asked("fever"), said("why?")]
    assert replies_while_open(events, "fever") == 2
    assert replies_while_open([*events, asked("fever"), said("hmm")], "fever") == 3


async def test_the_third_reply_that_answers_nothing_is_recorded_not_sure():
    events = [asked("fever"), said("why?"), asked("fever"), said("but why?"), asked("fever"),
              said("what do you mean")]
    events_out, messages = await run(
        ValidatePrecheckForm(),
        tracker(answered_until("fever"), user("what do you mean", "ask_why"), events=events))
    assert SlotSet("fever", "unknown") in events_out
    assert messages[0]["text"] == understanding.RECORDED_AS_UNKNOWN


async def test_a_second_why_is_still_answered():
    events = [asked("fever"), said("why?"), asked("fever"), said("but why?")]
    events_out, _ = await run(
        ValidatePrecheckForm(),
        tracker(answered_until("fever"), user("but why?", "ask_why"), events=events))
    assert events_out == []  # a digression: the rules explain, then ask again
