"""A policy that never lets a failed custom action end in silence.

Rasa 3.6 swallows a custom action that fails (action server down, or the action
raised): it logs the error, drops the action's events and carries on, so the
client would hear nothing, or hear the next rule's message without the advice.
This policy notices that a custom action ran and produced nothing, and predicts
`action_default_fallback`: its `utter_default` tells the client the check cannot
be finished and to call the clinic, and it reverts the client's message so the
conversation resumes where it was once the action server is back.
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEFAULT_FALLBACK_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

# Above RulePolicy, so a tie is resolved in favour of the safe message.
FAIL_SAFE_PRIORITY = RULE_POLICY_PRIORITY + 1


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class FailSafePolicy(Policy):
    """Predicts the safe fallback right after a custom action that produced no events."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {POLICY_PRIORITY: FAIL_SAFE_PRIORITY}

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
        if custom_action_failed(tracker, domain):
            probabilities[domain.index_for_action(ACTION_DEFAULT_FALLBACK_NAME)] = 1.0
        return self._prediction(probabilities)


def custom_action_failed(tracker: DialogueStateTracker, domain: Domain) -> bool:
    """True when the last event is a custom action or form that returned no events.

    Every custom action of this assistant says something or sets a slot, so an
    action followed by nothing at all is one whose events Rasa dropped on failure.
    """
    last = tracker.events[-1] if tracker.events else None
    if not isinstance(last, ActionExecuted) or last.action_name is None:
        return False
    custom = set(domain.user_actions_and_forms) - set(domain.responses)
    return last.action_name in custom
