"""Floors on the labelled sets (numbers in clinical_nlu/CHANGELOG.md; print them with
`python -m clinical_nlu.evaluate tests/clinical_nlu/dev.yml tests/clinical_nlu/heldout.yml`)."""

from pathlib import Path

import pytest

from clinical_nlu.evaluate import load_set, score
from clinical_nlu.pipeline import extract_findings

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def heldout():
    return score(load_set(HERE / "heldout.yml"), extract_findings)


@pytest.fixture(scope="module")
def dev():
    return score(load_set(HERE / "dev.yml"), extract_findings)


def test_heldout_set_is_big_and_varied():
    items = load_set(HERE / "heldout.yml")
    assert len(items) >= 300
    assert {i["style"] for i in items} >= {
        "terse",
        "rambling",
        "typos",
        "lowercase",
        "british",
        "american",
        "sms",
    }
    answers = sum(
        i["intent"] in ("affirm", "deny", "unsure") and not i.get("findings") for i in items
    )
    assert answers / len(items) >= 0.2


def test_dev_and_heldout_do_not_share_sentences():
    dev = {i["text"] for i in load_set(HERE / "dev.yml")}
    assert not dev & {i["text"] for i in load_set(HERE / "heldout.yml")}


def test_heldout_floor(heldout):
    assert heldout["findings"]["f1"] >= 0.95
    assert heldout["context_accuracy"] >= 0.98
    assert heldout["body_parts"]["f1"] >= 0.9
    assert heldout["onsets"]["f1"] >= 0.9
    assert heldout["temperature"]["f1"] >= 0.95


def test_dev_floor(dev):
    assert dev["findings"]["f1"] >= 0.97
    assert dev["context_accuracy"] >= 0.98


def test_latency(heldout):
    assert heldout["latency_ms"]["mean"] < 5  # about 0.4 ms per message here
