"""Welcome and consent, hermetically: Tracker fixtures in, exact events and messages out."""

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.consent import (
    ASKS_AGAIN,
    CONSENT_UNREAD,
    NO_CONSENT,
    ActionAskConsentAgain,
    ActionDecline,
    ActionWelcome,
)

CLINIC = {"clinic_name": "Calm Hands", "clinic_phone": "555-0100"}
DROOPY_FACE = {"text": "my face went droopy an hour ago", "intent": {"name": "inform"},
               "entities": [{"entity": "red_flag", "value": "stroke_signs"}]}
HELLO = {"text": "hi", "intent": {"name": "greet"}, "entities": []}


def user(parse_data):
    return {"event": "user", "text": parse_data["text"], "parse_data": parse_data}


def action(name):
    return {"event": "action", "name": name}


def tracker(events):
    return Tracker.from_dict({"sender_id": "client-1", "slots": dict(CLINIC),
                              "latest_message": {}, "events": events})


async def run(action_, events):
    dispatcher = CollectingDispatcher()
    return await action_.run(dispatcher, tracker(events), {}), dispatcher.messages


def urgent(messages):
    return next(m["custom"] for m in messages if m.get("custom"))["urgent_care"]


async def test_a_first_message_without_a_red_flag_gets_the_welcome():
    events, messages = await run(ActionWelcome(), [user(HELLO)])
    assert events == [SlotSet("requested_slot", None)]
    assert messages[0]["response"] == "utter_welcome"


async def test_a_red_flag_in_the_first_message_gets_the_urgent_advice_at_once():
    events, messages = await run(ActionWelcome(), [user(DROOPY_FACE)])
    assert SlotSet("stroke_signs", "yes") in events
    assert SlotSet("urgent_care", True) in events
    assert urgent(messages) is True
    assert not any(m.get("response") == "utter_welcome" for m in messages)


async def test_shall_we_start_is_asked_again_twice_then_the_client_is_told_how_to_start():
    history = [user(HELLO), action("action_welcome")]
    for _ in range(ASKS_AGAIN):
        events, messages = await run(ActionAskConsentAgain(), history)
        assert events == [SlotSet("requested_slot", None)]
        assert messages[0]["response"] == "utter_consent_unsure"
        history += [user(HELLO), action("action_ask_consent_again")]
    events, messages = await run(ActionAskConsentAgain(), history)
    assert events == [SlotSet("requested_slot", None)]
    assert messages[0]["text"] == CONSENT_UNREAD.format(**CLINIC)


async def test_the_count_starts_again_at_the_next_welcome():
    history = [user(HELLO), action("action_welcome"), *[action("action_ask_consent_again")] * 3,
               user(HELLO), action("action_welcome")]
    _, messages = await run(ActionAskConsentAgain(), history)
    assert messages[0]["response"] == "utter_consent_unsure"


async def test_a_red_flag_told_in_an_unclear_reply_gets_the_urgent_advice():
    events, messages = await run(ActionAskConsentAgain(),
                                 [user(HELLO), action("action_welcome"), user(DROOPY_FACE)])
    assert SlotSet("urgent_care", True) in events
    assert urgent(messages) is True


async def test_no_consent_without_a_red_flag_ends_politely():
    events, messages = await run(ActionDecline(), [user(HELLO), action("action_welcome")])
    assert events == [SlotSet("requested_slot", None)]
    assert messages[0]["text"] == NO_CONSENT.format(**CLINIC)


async def test_no_consent_after_a_red_flag_still_gets_the_urgent_advice():
    events, messages = await run(ActionDecline(), [user(DROOPY_FACE), action("action_welcome")])
    assert SlotSet("urgent_care", True) in events
    assert urgent(messages) is True
