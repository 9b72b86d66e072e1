"""FailSafePolicy on Rasa's own tracker and domain objects."""

from pathlib import Path

import pytest
import yaml
from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from precheck.policies.fail_safe import FailSafePolicy

WATCHED = ["precheck_form", "action_give_advice", "action_show_summary", "action_decline",
           "action_stop_check", "action_welcome", "action_ask_consent_again"]
ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain"))


@pytest.fixture
def policy(tmp_path):
    config = {**FailSafePolicy.get_default_config(), "watched_actions": WATCHED,
              "listen_after": ["utter_please_rephrase"]}
    return FailSafePolicy.create(
        config, LocalModelStorage(tmp_path), Resource("fail_safe"),
        ExecutionContext(GraphSchema({})),
    )


def prediction(policy, events):
    tracker = DialogueStateTracker.from_events("client", events, slots=DOMAIN.slots)
    return policy.predict_action_probabilities(tracker, DOMAIN)


def predicted(policy, events):
    probabilities = prediction(policy, events).probabilities
    if max(probabilities) == 0:
        return None
    return DOMAIN.action_names_or_texts[probabilities.index(1.0)]


def client_says_no():
    return [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("no", {"name": "deny"})]


@pytest.mark.parametrize("action", WATCHED)
def test_a_watched_action_that_produced_nothing_gets_the_safe_message(policy, action):
    assert predicted(policy, [*client_says_no(), ActionExecuted(action)]) == "utter_default"


def test_after_the_safe_message_the_assistant_listens(policy):
    events = [*client_says_no(), ActionExecuted("precheck_form"),
              ActionExecuted("utter_default"), BotUttered("I can't finish the check")]
    assert predicted(policy, events) == ACTION_LISTEN_NAME


def test_after_asking_to_rephrase_the_assistant_listens(policy):
    events = [*client_says_no(), ActionExecuted("utter_please_rephrase"),
              BotUttered("Sorry, I didn't understand that.")]
    assert predicted(policy, events) == ACTION_LISTEN_NAME


def test_the_safe_message_outranks_the_forms_listen_prediction(policy):
    assert prediction(policy, [*client_says_no(),
                               ActionExecuted("precheck_form")]).is_no_user_prediction


def test_a_watched_action_that_answered_is_left_alone(policy):
    events = [*client_says_no(), ActionExecuted("action_give_advice"), BotUttered("advice"),
              SlotSet("advice", "postpone")]
    assert predicted(policy, events) is None


def test_after_goodbye_in_the_middle_of_the_check_the_assistant_listens(policy):
    events = [*client_says_no(), ActionExecuted("action_deactivate_loop"),
              ActionExecuted("utter_default"), BotUttered("call the clinic")]
    assert predicted(policy, events) == ACTION_LISTEN_NAME


@pytest.mark.parametrize("action", ["utter_welcome", ACTION_LISTEN_NAME, "action_explain_term"])
def test_unwatched_actions_and_responses_are_left_alone(policy, action):
    assert predicted(policy, [*client_says_no(), ActionExecuted(action)]) is None


def test_production_watches_the_form_the_advice_and_the_summary():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    fail_safe = next(p for p in config["policies"]
                     if p["name"] == "precheck.policies.fail_safe.FailSafePolicy")
    assert set(fail_safe["watched_actions"]) == set(WATCHED)
    assert fail_safe["listen_after"] == ["utter_please_rephrase"]


def test_it_outranks_the_rule_policy(policy):
    assert policy.priority > RULE_POLICY_PRIORITY
