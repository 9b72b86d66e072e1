"""How choices and long messages read on text-only channels (no server needed)."""

from __future__ import annotations

from precheck.channels.messaging import chosen, numbered
from precheck.channels.twilio import MAX_BODY, bodies

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
          {"title": "Not sure", "payload": "/unsure"}]


def test_choices_are_numbered_under_the_question():
    assert numbered("Do you have a fever?", YES_NO) == (
        "Do you have a fever?\n\n1. Yes\n2. No\n3. Not sure\n"
        "(Reply with a number, or in your own words.)")


def test_a_number_is_a_choice_only_where_numbers_were_shown():
    assert chosen(" 2. ", YES_NO, by_number=True) == "/deny"
    assert chosen("2", YES_NO, by_number=False) == "2"
    assert chosen("4", YES_NO, by_number=True) == "4"


def test_a_choice_is_also_named_by_its_words():
    assert chosen("Not Sure", YES_NO, by_number=False) == "/unsure"
    assert chosen("not sure why you ask", YES_NO, by_number=True) == "not sure why you ask"


def test_long_messages_are_cut_between_paragraphs():
    paragraphs = ["a" * 900, "b" * 900, "c" * 100]
    parts = bodies("\n\n".join(paragraphs))
    assert parts == [paragraphs[0], "\n\n".join(paragraphs[1:])]
    assert all(len(part) <= MAX_BODY for part in parts)
