"""The trained pipeline on the held-out set (kept apart from all training data).

Floors, not targets: see the issue note for the measured numbers. A yes or a
not-sure read as a no is an under-triage risk and must never happen on this set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def heldout(trained_model):
    from scripts.evaluate_nlu import evaluate

    return evaluate(trained_model)


def test_no_yes_or_not_sure_is_read_as_a_no(heldout):
    assert heldout["intents"]["dangerous_confusions"] == 0, heldout["intents"]
    # DIET alone has read one "not sure" as a no (the dialogue's doubt check catches it);
    # more than two would mean the training data regressed.
    assert heldout["intents"]["intent_dangerous_confusions"] <= 2, heldout["intents"]


def test_intent_accuracy_floor(heldout):
    assert heldout["intents"]["intent_accuracy"] >= 0.93, heldout["intents"]
    assert heldout["intents"]["intent_accuracy_unseen"] >= 0.92, heldout["intents"]


SYMPTOM_STATEMENTS = {
    # Read as a goodbye, a symptom report would end the check.
    "I couldn't stop coughing last night": "inform",
    "I have angina": "inform",
    "I'm having a flare up": "inform",  # a statement, not "what is a flare-up?"
    "what is a flare up?": "ask_term",
    "my vision isn't blurry": "deny",
    "no cough no cold just tired": "inform",
    "I'm sick of these questions": "out_of_scope",
}


@pytest.fixture(scope="module")
def statements(trained_model):
    from scripts.evaluate_nlu import parse_all

    return parse_all(trained_model, list(SYMPTOM_STATEMENTS))


@pytest.mark.parametrize(("text", "intent"), SYMPTOM_STATEMENTS.items())
def test_symptom_statements_through_the_trained_pipeline(statements, text, intent):
    assert statements[text]["intent"]["name"] == intent, statements[text]["intent_ranking"]
