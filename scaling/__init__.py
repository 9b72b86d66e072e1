"""What several Rasa replicas sharing one database need (docs/deployment.md), and what
lets one replica answer more clients.

Rasa loads this package for its tracker store (scripts/stack.py), so the faster check of
the action server's responses and the faster lookup of event classes are in place in every
Rasa server the project starts.
"""

from scaling import action_responses, event_types

action_responses.install()
event_types.install()
