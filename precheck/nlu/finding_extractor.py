"""The Rasa NLU component that runs clinical_nlu: `- name:
precheck.nlu.finding_extractor.ClinicalFindingExtractor` in config.yml.

It adds `finding`, `body_part`, `onset` and `temperature` entities (docs/contracts.md,
section 2) to every message, the message's words as read with misspellings repaired
(`text_as_read`; `text` stays as the client wrote it), and the version of the vocabulary that
read it (`vocabulary_version`, which the advice payload carries next to `rules_version`).

Training copies the vocabulary into the model, and the model reads it from there when it
loads: what a model understands travels with the model, as a spaCy pipeline carries its
own data. A vocabulary change therefore retrains (scripts/stack.py counts clinical_nlu/ as
a model input). It never raises on a message: any failure is logged and the message gets
no entities.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language

from clinical_nlu import pipeline, vocabulary

logger = logging.getLogger(__name__)

VERSION_KEY = vocabulary.VERSION_KEY
AS_READ_KEY = "text_as_read"
STORED_NAME = "vocabulary.yml"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class ClinicalFindingExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # `vocabulary`: the vocabulary file to train with; None: clinical_nlu/vocabulary.yml.
        return {"vocabulary": None}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalFindingExtractor:
        config = {**cls.get_default_config(), **config}
        return cls(Path(config["vocabulary"] or vocabulary.DEFAULT_PATH), model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ClinicalFindingExtractor:
        with model_storage.read_from(resource) as directory:
            extractor = cls(directory / STORED_NAME, model_storage, resource)
            extractor.pipeline()  # built while the stored file is there
        return extractor

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The vocabulary's content: Rasa's training cache would otherwise keep a model's
        stored vocabulary after the file changed (config and training data unchanged)."""
        source = Path({**cls.get_default_config(), **config}["vocabulary"]
                      or vocabulary.DEFAULT_PATH)
        return hashlib.sha256(source.read_bytes()).hexdigest()

    def __init__(self, source: Path, model_storage: ModelStorage | None = None,
                 resource: Resource | None = None) -> None:
        self._source = source
        self._model_storage = model_storage
        self._resource = resource
        self._version = vocabulary.cached(source)["version"]

    def train(self, training_data: TrainingData) -> Resource:
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copyfile(self._source, directory / STORED_NAME)
        return self._resource

    def pipeline(self) -> Language:
        """The spaCy pipeline of this vocabulary, built once per process."""
        return pipeline.shared(str(self._source))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found, as_read = self._read(message.get(TEXT))
            found = self.add_extractor_name(found)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
            message.set(AS_READ_KEY, as_read, add_to_output=True)
            message.set(VERSION_KEY, self._version, add_to_output=True)
        return messages

    def _read(self, text: str | None) -> tuple[list[dict[str, Any]], str | None]:
        if not isinstance(text, str) or not text.strip():
            return [], text
        try:
            return pipeline.read(text, self.pipeline())
        except Exception:
            logger.warning(
                "ClinicalFindingExtractor failed on a message; no entities added", exc_info=True
            )
            return [], text
