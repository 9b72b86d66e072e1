"""Bad input never raises, entity offsets stay inside the message, and size stays cheap."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical_nlu import extract_findings
from clinical_nlu.text import clean

NASTY = [
    "",
    " ",
    "\n\n\n",
    "🙂👍🔥" * 50,
    "\u200f\u202e numb \u202c",  # direction marks
    "fe\u200bver? no\u200dpe",  # zero-width characters inside words
    "<script>alert('numb')</script><b>fever</b>&nbsp;&amp;",
    "\x00\x01\x02 fever \x7f",
    "NUMB!!!!!!!!?????",
    "38.5.5.5 101F°°° ,,,, 38,,5",
    "'" * 100,
    "日本語のテキスト 발열 حمى",
    "\ud83d",  # a lone surrogate
    "no " * 500,
]


def _check(text):
    entities = extract_findings(text)
    for e in entities:
        assert 0 <= e["start"] < e["end"] <= len(text)
    return entities


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(text):
    _check(text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "no",
                "fever",
                "numb",
                "my",
                "left",
                "foot",
                ",",
                "?",
                "since",
                "sunday",
                "38.5",
                "not",
                "usual",
                "sister",
                "if",
                "😀",
                "\u200b",
                "<b>",
                "\n",
            ]
        ),
        max_size=60,
    )
)
def test_any_mix_of_cue_words(words):
    _check(" ".join(words))


def test_offsets_survive_cleaning():
    text = "x <b>my</b> left\u200b foot is n\u200bumb"
    spans = {(e["entity"], text[e["start"] : e["end"]]) for e in _check(text)}
    assert spans == {("body_part", "left\u200b foot"), ("finding", "n\u200bumb")}


def test_clean_keeps_a_character_map():
    cleaned, offsets = clean("a\u200b<b>b</b>   c")
    assert cleaned == "a b c"
    assert offsets == [0, 2, 5, 6, 13]  # the space after "b" stands for the "</b>" at 6


@pytest.mark.parametrize(
    "text",
    [
        "my left foot is numb, no fever, since Sunday. " * 2200,  # 100 kB of real content
        "numb no fever " * 7200,  # as many cues and findings as words
        "🙂" * 100_000,  # one huge "word"
        "the " * 25_000,
        "38.5 " * 20_000,
    ],
    ids=["sentences", "dense", "emoji", "repeats", "numbers"],
)
def test_100_kb_messages_stay_fast(text):
    started = time.perf_counter()
    _check(text)
    assert (
        time.perf_counter() - started < 10
    )  # about 1 s here; the bound catches quadratic blow-ups
