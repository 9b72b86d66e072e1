"""Yes, no and "not sure" in the words of a reply (clinical_nlu/polarity.py)."""

import pytest

from clinical_nlu.polarity import reading
from protocol.questions import statement


@pytest.mark.parametrize(("text", "expected"), [
    ("yep", "yes"), ("ye a bit, esp when im tired", "yes"), ("kinda", "yes"),
    ("nah", "no"), ("Neg.", "no"), ("nope, no chest pain, no headache", "no"),
    ("no, but my foot is numb", "no"), ("i'm fine", "no"), ("none of them", "no"),
    ("idk", "unsure"), ("no idea", "unsure"), ("not really, maybe once", "unsure"),
    ("probably not", "no"), ("i dont think so", "no"), ("not that im aware of", "no"),
    ("not that I have noticed", "no"), ("not that I've noticed, but I might not know", "unsure"),
    ("my arms are fine but my legs are like planks", None),
    # a one-word no inside a sentence is no answer; nor are a yes and a no together
    ("headache very strong like never before", None), ("no yes", None),
    ("my sister has the flu", None),
    ("runny nose but thats my usual hayfever", None),  # a nose is no doubt ("no sé")
])
def test_presence(text, expected):
    assert reading(text, "presence") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("OK, agree", "yes"), ("sure why not", "yes"), ("k", "yes"), ("go ahead", "yes"),
    ("no thanks", "no"), ("not now", "no"), ("how long does it take?", "unsure"),
])
def test_agreement(text, expected):
    assert reading(text, "agreement") == expected


@pytest.mark.parametrize(("question", "text", "expected"), [
    ("first_massage", "been going to massage for years", "no"),
    ("first_massage", "this would be my very first one", "yes"),
    ("first_massage", "never had one", "yes"),
    ("sensory_change_is_new", "same as always", "no"),
    ("sensory_change_is_new", "same as it always is, my neuro has seen it", "no"),
    ("sensory_change_is_new", "old old old", "no"),
    ("sensory_change_is_new", "it's stable, no change at all since my last appointment", "no"),
    ("relapse_cleared", "My neuro said rest. He didn't mention massage.", "no"),
    ("relapse_cleared", "he said wait until the steroids are done", "no"),
    ("heart_cleared", "he said wait until the scan", "no"),
    ("fatigue_unusual", "i have 3 kids under 5 lol so its explained", "no"),
    ("fatigue_unusual", "it can't be explained", "yes"),
    ("fatigue_unusual", "This is beyond my usual.", "yes"),
    ("first_massage", "I had one on holiday once, years ago, before the MS", "yes"),
    ("sensory_change_is_new", "it's been like that since 2015", "no"),
    ("sensory_change_is_new", "nothing new", "no"),
    ("new_or_worsening_symptoms", "everything's normal", "no"),
    ("fatigue_unusual", "it isn't like my normal MS tiredness", "yes"),
    ("fatigue_unusual", "just my usual ms tiredness", "no"),
    ("relapse_cleared", "not yet, I haven't talked to my doctor about massage", "no"),
    ("relapse_cleared", "no, he told me to take it easy for now", "no"),
    ("heart_cleared", "my cardiologist gave me the all clear", "yes"),
    ("relapse_cleared", "I have an appointment next Tuesday, I'll ask then", "no"),
    ("relapse_cleared", "he was happy for me to have it", "yes"),
    ("relapse_cleared", "she hasn't got back to me", "no"),
    ("first_massage", "first time with you, had loads before", "no"),  # both: ask again
    ("sudden_severe_headache", "a horrible one came out of nowhere, worst ive ever had", "yes"),
    ("sudden_severe_headache", "Not the worst ever, but it came on very suddenly", "yes"),
    ("sudden_severe_headache", "like someone hit me on the back of the head", "yes"),
    ("sudden_severe_headache", "it wasn't the worst ever, just a dull one", None),
    ("sudden_severe_headache", "Just a normal tension headache. Nothing sudden.", "no"),
    ("sudden_severe_headache", "nothing out of the blue", "no"),
    ("fatigue_today", "energy is ok today actually", "no"),
    ("osteoporosis", "my bones are fine, had a DEXA scan last year", "no"),
    ("osteoporosis", "they said the bones are weak", "yes"),
    ("balance_problems", "my balance is fine but my wife worries", "no"),
    ("heart_or_circulation_problem", "AF, on apixaban", "yes"),
    ("heart_or_circulation_problem", "my heart is fine", "no"),
    ("fatigue_today", "energy's not good", None),
])
def test_statements_answer_without_yes_or_no(question, text, expected):
    assert statement(question, text) == expected


@pytest.mark.parametrize("text", ["not sure why, but my hand is numb",
                                  "i dont know why but im exhausted"])
def test_doubt_about_the_cause_is_no_doubt_about_the_answer(text):
    assert reading(text, "presence") is None
