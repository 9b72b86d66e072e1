"""The component inside Rasa: registered, configured by name, and adding entities to messages."""

import logging

import pytest

pytest.importorskip("rasa")

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

import clinical_nlu
from clinical_nlu import pipeline


@pytest.fixture(scope="module")
def extractor():
    return clinical_nlu.ClinicalFindingExtractor.create({}, None, None, None)


def test_registered_under_its_config_name():
    registered = DefaultV1Recipe._from_registry("clinical_nlu.ClinicalFindingExtractor")
    assert registered.clazz is clinical_nlu.ClinicalFindingExtractor
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert not registered.is_trainable


def test_process_adds_entities(extractor):
    message = Message({TEXT: "no fever but my left foot has been numb since Sunday"})
    message.set(ENTITIES, [{"entity": "other", "value": "kept", "start": 0, "end": 1}])
    extractor.process([message])
    found = {(e["entity"], e["value"], e.get("role")) for e in message.get(ENTITIES)}
    assert found == {
        ("other", "kept", None),
        ("finding", "fever", "negated"),
        ("body_part", "left foot", None),
        ("finding", "numbness", "present"),
        ("onset", "since sunday", "recent"),
    }
    assert all(e["extractor"] == "ClinicalFindingExtractor" for e in message.get(ENTITIES)[1:])


def test_temperature_entity_is_a_number(extractor):
    message = Message({TEXT: "temp 101 F"})
    extractor.process([message])
    assert [e["value"] for e in message.get(ENTITIES) if e["entity"] == "temperature"] == [38.3]


@pytest.mark.parametrize("text", [None, "", "   ", "🙂" * 1000])
def test_empty_or_odd_messages(extractor, text):
    message = Message({TEXT: text} if text is not None else {})
    extractor.process([message])
    assert message.get(ENTITIES) == []


def test_a_failure_is_logged_not_raised(extractor, monkeypatch, caplog):
    def broken(text, nlp):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "extract_findings", broken)
    message = Message({TEXT: "numb foot"})
    with caplog.at_level(logging.WARNING, logger="clinical_nlu.component"):
        extractor.process([message])
    assert message.get(ENTITIES) == []
    assert "ClinicalFindingExtractor failed" in caplog.text
