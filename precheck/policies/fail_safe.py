"""A policy that never lets a failed custom action end in silence.

Rasa 3.6 swallows a custom action that fails (action server down, or the action
raised): it logs the error, drops the action's events and carries on, so the
client would hear nothing, or hear the next rule's message without the advice.
This policy notices that a watched custom action (one that always records
something: the intake form, the advice) ran and produced nothing, and predicts
the safe message (utter_default: the check cannot be finished, call the clinic),
then listening. It also makes sure the assistant listens after its own "cannot
continue" and "please rephrase" messages (RulePolicy would predict its core
fallback again and again when no rule covers what follows them).

It does not rewind the client's message (action_default_fallback would): in Rasa
3.6 a rewind after a form step also drops the active form. The form stays active,
so the next message resumes the check where it was.
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

# Above RulePolicy, so a tie is resolved in favour of the safe message.
FAIL_SAFE_PRIORITY = RULE_POLICY_PRIORITY + 1


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class FailSafePolicy(Policy):
    """Predicts the safe message right after a watched action that produced no events."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # watched_actions: actions that always return events (slots, a form step), so
        # that an empty result can only mean Rasa dropped them on failure.
        return {
            POLICY_PRIORITY: FAIL_SAFE_PRIORITY,
            "watched_actions": [],
            "safe_message": "utter_default",
            "listen_after": [],
        }

    def train(
        self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        last = last_action(tracker.events)
        listen_after = [self.config["safe_message"], *self.config["listen_after"]]
        if last in self.config["watched_actions"]:
            next_action = self.config["safe_message"]
        elif last in listen_after:
            next_action = ACTION_LISTEN_NAME
        else:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(next_action)] = 1.0
        # RulePolicy's "a form ran, now listen" is a no-user prediction, which the ensemble
        # ranks above every other kind; the fail-safe must be of that kind to outrank it.
        return self._prediction(probabilities, is_no_user_prediction=True)


def last_action(events: list[Event]) -> str | None:
    """The last action, if nothing but bot messages came after it. A watched action that
    succeeded is followed by its slot events, so it is only returned if it failed."""
    for event in reversed(events):
        if isinstance(event, BotUttered):
            continue
        return event.action_name if isinstance(event, ActionExecuted) else None
    return None
