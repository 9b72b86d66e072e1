"""The clinical protocol of the pre-massage check for clients with MS: the rules, the
thresholds and the question catalogue, as data and plain Python (README.md, REVIEW.md).

No Rasa: the dialogue builds a ClientReport from its slots, calls evaluate(), and sends
Decision.payload(), client_message() and therapist_summary().
"""

from .engine import Decision, Reason, evaluate
from .messages import client_message, therapist_summary
from .report import ANSWER_FIELDS, Answer, ClientReport
from .rules import RULES, RULES_VERSION, Level, Rule

__all__ = [
    "ANSWER_FIELDS",
    "RULES",
    "RULES_VERSION",
    "Answer",
    "ClientReport",
    "Decision",
    "Level",
    "Reason",
    "Rule",
    "client_message",
    "evaluate",
    "therapist_summary",
]
