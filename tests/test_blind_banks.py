"""The blind banks stay frozen and readable, and the simulated client recognises every
question the check can ask (bench/understanding/)."""

import pytest

from bench.understanding import bank as banks
from bench.understanding.personas import topic_of
from protocol import questions


@pytest.mark.parametrize("name", banks.names())
def test_a_bank_is_frozen_and_every_item_names_a_known_topic(name):
    bank = banks.load(name)  # refuses a bank edited after it was frozen
    # big enough for its held-out two thirds to mean something
    assert len(bank.replies) >= 500 and len(bank.personas) >= 80
    assert {reply["topic"] for reply in bank.replies} <= banks.TOPICS
    for persona in bank.personas:
        assert set(persona["facts"]) <= banks.TOPICS - {"consent"}
        assert persona["expected"]["advice"] in ("postpone", "shorten", "proceed_gently")


def test_an_edited_bank_is_refused(tmp_path, monkeypatch):
    name = banks.names()[0]
    for path in (banks.BANKS / name).iterdir():
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / path.name).write_bytes(path.read_bytes())
    reply_file = next((tmp_path / name).glob("replies-*.jsonl"))
    reply_file.write_text(reply_file.read_text().replace('"yes"', '"no"', 1))
    monkeypatch.setattr(banks, "BANKS", tmp_path)
    with pytest.raises(banks.BankChanged):
        banks.load(name)


def test_the_split_is_stable_and_about_a_third():
    bank = banks.load(banks.names()[0])
    tune = bank.part("tune").replies
    assert 0.28 < len(tune) / len(bank.replies) < 0.39
    assert tune == banks.load(banks.names()[0]).part("tune").replies


@pytest.mark.parametrize("name", [n for n in questions.ASKED if "ask" in questions.QUESTIONS[n]])
def test_the_simulated_client_recognises_every_question(name):
    topic = topic_of(questions.question_message(name)["text"])
    expected = {"red_flag_screen": "red_flags", "red_flag_which": "red_which"}.get(
        name, next((t for t, a in banks.TOPIC_ANSWERS.items() if a == name), None))
    assert topic == expected
