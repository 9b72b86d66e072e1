"""The component inside Rasa: registered, configured by name, carrying its vocabulary in the
model, and adding entities (and the vocabulary's version) to messages."""

import logging

import pytest

pytest.importorskip("rasa")

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinical_nlu import pipeline, vocabulary
from precheck.nlu.finding_extractor import VERSION_KEY, ClinicalFindingExtractor


@pytest.fixture(scope="module")
def extractor():
    return ClinicalFindingExtractor.create({}, None, None, None)


def test_registered_under_its_config_name():
    registered = DefaultV1Recipe._from_registry(
        "precheck.nlu.finding_extractor.ClinicalFindingExtractor")
    assert registered.clazz is ClinicalFindingExtractor
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable


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

    monkeypatch.setattr(pipeline, "read", broken)
    message = Message({TEXT: "numb foot"})
    with caplog.at_level(logging.WARNING, logger="precheck.nlu.finding_extractor"):
        extractor.process([message])
    assert message.get(ENTITIES) == []
    assert "ClinicalFindingExtractor failed" in caplog.text


def test_every_message_names_the_vocabulary_that_read_it(extractor):
    message = Message({TEXT: "numb foot"})
    extractor.process([message])
    assert message.get(VERSION_KEY) == vocabulary.load()["version"]
    assert VERSION_KEY in message.as_dict(only_output_properties=True)


def test_training_puts_the_vocabulary_in_the_model_and_loading_reads_it_from_there(tmp_path):
    """A vocabulary edited after training changes nothing in that model."""
    source = tmp_path / "vocabulary.yml"
    source.write_text(vocabulary.DEFAULT_PATH.read_text().replace(
        f'version: "{vocabulary.load()["version"]}"', 'version: "9.9.9-test"'))
    (tmp_path / "model").mkdir()
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource("finding_extractor")
    trained = ClinicalFindingExtractor.create({"vocabulary": str(source)}, storage, resource, None)
    trained.train(None)
    source.write_text("not a vocabulary any more")
    loaded = ClinicalFindingExtractor.load({}, storage, resource, None)
    message = Message({TEXT: "no fever but my left foot is numb"})
    loaded.process([message])
    assert message.get(VERSION_KEY) == "9.9.9-test"
    assert {(e["value"], e.get("role")) for e in message.get(ENTITIES)
            if e["entity"] == "finding"} == {("fever", "negated"), ("numbness", "present")}


def test_a_changed_vocabulary_changes_the_components_fingerprint(tmp_path):
    """Rasa reuses a trained component from its cache when its fingerprint is unchanged."""
    changed = tmp_path / "vocabulary.yml"
    changed.write_text(vocabulary.DEFAULT_PATH.read_text() + "\n# one more line\n")
    default = ClinicalFindingExtractor.fingerprint_addon({})
    assert default == ClinicalFindingExtractor.fingerprint_addon({"vocabulary": None})
    assert ClinicalFindingExtractor.fingerprint_addon({"vocabulary": str(changed)}) != default


def test_misspellings_are_read_repaired_and_the_text_stays_as_written(extractor):
    message = Message({TEXT: "chset pain since this mornin"})
    extractor.process([message])
    assert message.get(TEXT) == "chset pain since this mornin"
    assert message.get("text_as_read") == "chest pain since this morning"
    assert [e["value"] for e in message.get(ENTITIES) if e["entity"] == "finding"] == [
        "chest_pain"]
    assert message.as_dict(only_output_properties=True)["text_as_read"] == message.get(
        "text_as_read")
