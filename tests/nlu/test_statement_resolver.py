"""SymptomStatementResolver: findings settle statement-like intents, nothing else."""

import pytest

pytest.importorskip("rasa")

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinical_nlu import extract_findings
from precheck.nlu.statement_resolver import SymptomStatementResolver, resolve


def finding(context: str) -> dict:
    return {"entity": "finding", "value": "numbness", "role": context}


def test_registered_as_an_intent_classifier_needing_no_training():
    registered = DefaultV1Recipe._from_registry(
        "precheck.nlu.statement_resolver.SymptomStatementResolver")
    assert registered.clazz is SymptomStatementResolver
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert not registered.is_trainable


@pytest.mark.parametrize(("intent", "text", "expected"), [
    # A goodbye would end the check: a symptom report must stay a report.
    ("goodbye", "I couldn't stop coughing last night", "inform"),
    ("affirm", "I fainted yesterday", "inform"),
    ("deny", "tingly feet as usual", "inform"),
    ("deny", "no cough no cold just tired", "inform"),
    ("out_of_scope", "I'm sick and feverish", "inform"),
    ("inform", "my vision isn't blurry", "deny"),
    ("inform", "no fever, no chills", "deny"),
    ("ask_term", "I'm having a flare up", "inform"),
    (None, "I have angina", "inform"),  # DIET had no guess it was sure of
    # A no said first, on its own, stays a no ("shall we start?" is declined; in the check
    # the intake form reads the numb foot itself).
    ("inform", "no thanks, I only wanted to say my back is stiff", "deny"),
    ("inform", "nope. but my foot is numb", "deny"),
])
def test_findings_settle_statements(intent, text, expected):
    assert resolve(intent, text, extract_findings(text)) == expected


@pytest.mark.parametrize(("intent", "text"), [
    ("ask_why", "why does it matter that my hands are numb?"),  # a question about a symptom
    ("ask_term", "what is a flare up?"),  # asked about: hypothetical
    ("request_human", "I'm dizzy, can I talk to someone"),
    ("unsure", "not sure, maybe a bit tired"),  # doubt is kept: it is the safer answer
    ("affirm", "yes, my hands are numb"),  # an explicit yes stays a yes
    ("inform", "my sister has the flu"),  # someone else's: nothing to settle
    ("inform", "I had a fever last month"),
    ("deny", "nope"),
    ("deny", "no fever"),  # already right
    ("inform", "my left leg is weak"),
])
def test_leaves_other_intents_and_settled_messages_alone(intent, text):
    assert resolve(intent, text, extract_findings(text)) in (None, intent)


def test_process_replaces_diets_ranking_with_the_settled_intent():
    component = SymptomStatementResolver.create({}, None, None, None)
    diet = [{"name": "goodbye", "confidence": 0.55}, {"name": "inform", "confidence": 0.3},
            {"name": "thank", "confidence": 0.15}]
    message = Message({TEXT: "coughing all night", ENTITIES: [finding("present")],
                       INTENT: diet[0], INTENT_RANKING_KEY: diet})
    component.process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY) == [{"name": "inform", "confidence": 1.0}]


def test_process_settles_a_guess_diet_was_unsure_of():
    component = SymptomStatementResolver.create({}, None, None, None)
    diet = [{"name": "request_human", "confidence": 0.25}, {"name": "goodbye", "confidence": 0.2}]
    message = Message({TEXT: "I have angina", ENTITIES: extract_findings("I have angina"),
                       INTENT: diet[0], INTENT_RANKING_KEY: diet})
    component.process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}


def test_process_leaves_a_message_without_findings_untouched():
    component = SymptomStatementResolver.create({}, None, None, None)
    ranking = [{"name": "greet", "confidence": 0.9}]
    message = Message({TEXT: "hello", INTENT: ranking[0], INTENT_RANKING_KEY: ranking})
    component.process([message])
    assert message.get(INTENT) == ranking[0]
    assert message.get(INTENT_RANKING_KEY) == ranking


@pytest.mark.parametrize(("intent", "text", "expected"), [
    (None, "OK, agree", "affirm"),          # DIET had no guess: consent was lost
    ("out_of_scope", "sure why not", "affirm"),
    ("unsure", "k", "affirm"),
    ("greet", "start", None),              # a greeting starts the check as it is
    (None, "no thanks", "deny"),
    ("unsure", "not sure", None),           # a doubt stays a doubt
    ("greet", "hello", None),
])
def test_a_plain_yes_or_no_in_words_settles_what_diet_could_not_read(intent, text, expected):
    assert resolve(intent, text, []) == expected
