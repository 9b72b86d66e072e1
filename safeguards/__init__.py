"""Rasa-side safeguards: what must hold even when the action server does not."""

from safeguards.fail_safe_policy import FailSafePolicy

__all__ = ["FailSafePolicy"]
