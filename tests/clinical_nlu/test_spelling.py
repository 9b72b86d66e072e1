"""The spelling repair: misspelt words are read as meant; real words and text-speak stand."""

import pytest

from clinical_nlu import vocabulary
from clinical_nlu.pipeline import read
from clinical_nlu.spelling import Speller


@pytest.fixture(scope="module")
def speller():
    return Speller(vocabulary.cached())


@pytest.mark.parametrize("typed, meant", [
    ("chset", "chest"), ("mornin", "morning"), ("proply", "properly"), ("relpase", "relapse"),
    ("frist", "first"), ("unusal", "unusual"), ("twcie", "twice"), ("feets", "feet"),
    ("nuero", "neuro"), ("tingeling", "tingling"), ("swolen", "swollen"), ("vison", "vision"),
    ("brething", "breathing"), ("fanted", "fainted"),
])
def test_a_misspelt_word_is_read_as_meant(speller, typed, meant):
    assert speller.correct(typed) == meant


@pytest.mark.parametrize("word", [
    "idk", "lol", "meds", "didnt", "ive", "baclofen", "tingly", "rite", "never", "fever",
    "tickly", "pre", "2day", "numb",
])
def test_real_words_text_speak_and_short_words_stand(speller, word):
    assert speller.correct(word) is None


def test_the_first_letter_is_kept(speller):
    # "xever" is one edit from "fever" and "never": no word is read with another first letter
    assert speller.correct("xever") is None


def test_misspellings_the_vocabulary_lists_are_matched_as_they_are(speller):
    assert speller.known("sudenly") and speller.correct("sudenly") is None


def test_the_words_as_read_keep_everything_else_as_written():
    entities, as_read = read("Chset pain since this mornin, idk why!!")
    assert as_read == "chest pain since this morning, idk why!!"
    assert [e["value"] for e in entities if e["entity"] == "finding"] == ["chest_pain"]
