"""The first NLU component: a message too long to read is not read at all.

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
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TOO_LONG_ENTITY = "message_too_long"


def too_long_payload(max_characters: int) -> str:
    """The fallback intent with the limit as entity: '/nlu_fallback{"message_too_long": "2000"}'."""
    return "/nlu_fallback" + json.dumps({TOO_LONG_ENTITY: str(max_characters)})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
                          is_trainable=False)
class MessageLengthGuard(GraphComponent):
    """Replaces an over-long message by the "too long" payload before anything reads it."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_characters": 2000}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageLengthGuard:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.max_characters = int({**self.get_default_config(), **config}["max_characters"])
        self._payload = too_long_payload(self.max_characters)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_characters:
                message.set(TEXT, self._payload)
        return messages
