"""The Rasa NLU component: `- name: clinical_nlu.ClinicalFindingExtractor` in config.yml.

It adds `finding`, `body_part`, `onset` and `temperature` entities (docs/contracts.md, section 2)
to every message. It has nothing to train: Rasa creates it when the model loads, and it builds the
spaCy pipeline then, once, from vocabulary.yml (so a vocabulary change needs a restart, not a
retrain). It never raises on a message: any failure is logged and the message gets no entities.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinical_nlu import pipeline

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ClinicalFindingExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # `vocabulary`: path to a vocabulary file; None uses clinical_nlu/vocabulary.yml.
        return {"vocabulary": None}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalFindingExtractor:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self._nlp = pipeline.shared(self._config["vocabulary"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = self.add_extractor_name(self._extract(message.get(TEXT)))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    def _extract(self, text: str | None) -> list[dict[str, Any]]:
        if not isinstance(text, str) or not text.strip():
            return []
        try:
            return pipeline.extract_findings(text, self._nlp)
        except Exception:
            logger.warning(
                "ClinicalFindingExtractor failed on a message; no entities added", exc_info=True
            )
            return []
