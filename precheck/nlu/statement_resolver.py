"""Settles symptom statements that DIET misreads: `- name:
precheck.nlu.statement_resolver.SymptomStatementResolver` in config.yml, after
DIETClassifier and ClinicalFindingExtractor, before FallbackClassifier.

DIET reads intents from surface words, so "I couldn't stop coughing last night" can come out
as a goodbye (which would end the check) and "my vision isn't blurry" as a statement. The
finding contexts are deterministic and reviewable, so they decide between these readings:

- a message that states a current or long-standing finding is a statement (`inform`),
  unless it opens with a no said on its own ("no thanks, I only wanted to say my leg is
  numb" to "shall we start?" is a no, not consent by describing symptoms);
- a message whose findings are all denied is a no (`deny`);
- a message with no finding, which DIET could not read, read as a statement or read as a
  yes, a no or a doubt, is a yes, a no or a "not sure" when its words say so ("OK, agree":
  `affirm`; "yes go" is no doubt, "sure why not" no refusal, whatever DIET guessed).

Only statement-like intents, and guesses DIET is unsure of, are replaced. Questions and
requests ("why do you ask about numbness?") keep DIET's intent, and so do "not sure" answers
and a yes that opens with a yes word ("yes, my hands are numb"). A symptom the client asks
about is hypothetical, so "what is a flare-up?" stays a question while "I'm having a flare-up"
becomes a statement. Nothing here sets an answer: the intake form reads the findings themselves.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinical_nlu import polarity
from precheck.nlu.finding_extractor import AS_READ_KEY

STATED = {"present", "stable"}
STATEMENT_LIKE = {
    "affirm", "deny", "inform", "greet", "thank", "goodbye", "out_of_scope", "ask_term",
}
# Below this, DIET's guess would end in "please rephrase" (FallbackClassifier's threshold).
UNSURE_GUESS = 0.45
# DIET's readings that say no yes or no: the words may (clinical_nlu/polarity.py).
UNREAD = {None, "out_of_scope", "inform"}
UNCERTAIN = {"unsure"}
# DIET's readings that the words of a finding-free reply overrule.
YES_NO = UNREAD | UNCERTAIN | {"affirm", "deny"}
AGREEMENT = {"yes": "affirm", "no": "deny", "unsure": "unsure"}
OPENS_WITH_YES = re.compile(r"^\W*(yes|yeah|yep|yup|yea|yeh|ya)\b", re.IGNORECASE)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SymptomStatementResolver(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SymptomStatementResolver:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            guess = intent.get("name") if intent.get("confidence", 0) >= UNSURE_GUESS else None
            # the words as read (misspellings repaired by ClinicalFindingExtractor)
            text = message.get(AS_READ_KEY) or message.get(TEXT) or ""
            resolved = resolve(guess, text, message.get(ENTITIES) or [])
            if resolved and resolved != intent.get("name"):
                _set_intent(message, resolved)
        return messages


def resolve(intent: str | None, text: str, entities: list[dict[str, Any]]) -> str | None:
    """The intent the findings settle, or None when they settle nothing. `intent` is DIET's
    guess, None when it had none it was sure enough of."""
    if intent is not None and intent not in STATEMENT_LIKE | UNCERTAIN:
        return None
    if intent == "affirm" and OPENS_WITH_YES.match(text):
        return None
    contexts = [e.get("role") for e in entities if e.get("entity") == "finding"]
    if not contexts:
        said = AGREEMENT.get(polarity.reading(text, "agreement")) if intent in YES_NO else None
        return said if said != intent else None
    if intent in UNCERTAIN:
        return None
    if any(context in STATED for context in contexts):
        return "deny" if _opens_with_no(text, entities) else "inform"
    if all(context == "negated" for context in contexts):
        return "deny"
    return None


def _opens_with_no(text: str, entities: list[dict[str, Any]]) -> bool:
    end = polarity.first_clause_end(text)
    return polarity.reading(text[:end], "agreement") == "no" and not any(
        e.get("entity") == "finding" and e.get("start", 0) < end for e in entities)


def _set_intent(message: Message, name: str) -> None:
    """The findings decide by rule, so the resolved intent is certain and DIET's ranking no
    longer applies (kept, it would make FallbackClassifier see two certain intents)."""
    resolved = {"name": name, "confidence": 1.0}
    message.set(INTENT, resolved, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [resolved], add_to_output=True)
