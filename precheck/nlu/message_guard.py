"""The first NLU component: what Rasa must not read as it is.

1. A message too long to read is not read at all.

DIET's transformer costs time and memory quadratic in the number of tokens: on this
model a 20,000-character message takes 5 s and 1.2 GB, 40,000 characters 11 s and 4.5 GB,
and a 100 kB message would need more memory than the machine has, so the operating
system kills the whole server and every client loses their conversation. This component
runs before the tokenizer, on every channel (REST, socket.io, any other), and replaces a
message longer than `max_characters` by the fallback intent with a `message_too_long`
entity, written the way a button payload is written (Rasa's RegexMessageHandler reads it
after the pipeline). The rules then say the message is too long and the open question of
the check stays open. Nothing of the long text is interpreted: reading only its start
could miss a "not" further on.

2. A message that starts with "/" but is not a button payload ("/{numbness}") loses the
slash and is read as words. Left as it is, Rasa logs its whole text as a warning
("message.parsing.failed"), which would put what a client said in the logs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import ENTITIES, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TOO_LONG_ENTITY = "message_too_long"
INTENT_NAME = re.compile(r"[A-Za-z0-9_-]+")


def too_long_payload(max_characters: int) -> str:
    """The fallback intent with the limit as entity: '/nlu_fallback{"message_too_long": "2000"}'."""
    return "/nlu_fallback" + json.dumps({TOO_LONG_ENTITY: str(max_characters)})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
                          is_trainable=False)
class MessageGuard(GraphComponent):
    """Replaces an over-long message by the "too long" payload, and drops the slash of a
    message that only looks like a button payload, before anything reads them."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_characters": 2000}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageGuard:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.max_characters = int({**self.get_default_config(), **config}["max_characters"])
        self._payload = too_long_payload(self.max_characters)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            if len(text) > self.max_characters:
                message.set(TEXT, self._payload)
            elif looks_like_a_payload_but_is_not(text):
                message.set(TEXT, text.strip().lstrip(INTENT_MESSAGE_PREFIX))
        return messages


def looks_like_a_payload_but_is_not(text: str) -> bool:
    """Starts with "/" but is not a whole, well-formed payload: one intent name, then
    optionally "@confidence" and a JSON object, nothing else. Rasa warns with the whole
    text about anything less ("/affirm{x}", "/affirm@high", "/ numbness and more")."""
    text = text.strip()
    if not text.startswith(INTENT_MESSAGE_PREFIX):
        return False
    match = YAMLStoryReader._regex_message_pattern().match(text)
    return match is None or not _well_formed(match)


def _well_formed(match: re.Match) -> bool:
    entities = match.group(ENTITIES)
    return (INTENT_NAME.fullmatch(match.group(INTENT_NAME_KEY)) is not None
            and not match.group("rest") and (entities is None or _is_json_object(entities)))


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
