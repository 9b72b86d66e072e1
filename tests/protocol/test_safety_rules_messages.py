"""The client's message and the therapist's summary: content, order and plain language."""

import re

import pytest

from protocol import (
    ANSWER_FIELDS,
    RULES,
    ClientReport,
    client_message,
    evaluate,
    therapist_summary,
)
from protocol.rules import NOT_CONFIRMED_CLIENT_TEXT

PHONE = "+1 555 0100"
URGENT_HEADLINE = (
    "Please get medical help now: call your local emergency number or go to urgent care."
)
RETURNING_CLIENT_ALL_NO = {question: "no" for question in ANSWER_FIELDS}


def report(**answers):
    return ClientReport.from_slots({**RETURNING_CLIENT_ALL_NO, **answers})


def message_for(**answers):
    return client_message(evaluate(report(**answers)), PHONE)


SAMPLE_REPORTS = {
    "proceed_gently": report(),
    "shorten": report(
        first_massage="yes",
        fatigue_today="yes",
        fatigue_unusual="no",
        sensory_change="yes",
        sensory_change_is_new="no",
        sensory_areas=["left foot"],
        spasticity="yes",
        nerve_pain="unknown",
        osteoporosis="yes",
        pressure_sores="yes",
        pressure_sore_areas=["left heel"],
        balance_problems="yes",
    ),
    "postpone": report(
        active_flare_up="yes",
        fever="yes",
        heat_worsening_now="yes",
        recent_relapse="yes",
        relapse_cleared="no",
        blood_pressure_or_fainting="unknown",
        heart_or_circulation_problem="yes",
        heart_cleared="unknown",
    ),
    "urgent": report(
        stroke_signs="yes", chest_pain_or_breathlessness="yes", known_dvt="yes", fever="unknown"
    ),
    "never_answered": ClientReport(),
}


# --- Plain language ------------------------------------------------------------------------------


def sentences(text):
    """Sentences end with . ! or ?; each line (a heading or a bullet) also stands alone."""
    return [s for s in re.split(r"[.!?]+\s|[.!?]+$|\n+", text) if re.search(r"[A-Za-z]", s)]


def words(text):
    return re.findall(r"[A-Za-z]+", text)


def syllables(word):
    word = word.lower()
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # silent final e: "same", "safe"
    return max(count, 1)


def flesch_kincaid_grade(text):
    all_words = words(text)
    return (
        0.39 * len(all_words) / len(sentences(text))
        + 11.8 * sum(syllables(w) for w in all_words) / len(all_words)
        - 15.59
    )


def test_syllable_counter_on_known_words():
    counts = {w: syllables(w) for w in ["massage", "session", "therapist", "safe", "gentle", "you"]}
    assert counts == {"massage": 2, "session": 2, "therapist": 3, "safe": 1, "gentle": 2, "you": 1}


@pytest.mark.parametrize("case", SAMPLE_REPORTS)
def test_client_message_reads_at_grade_8_or_lower(case):
    message = client_message(evaluate(SAMPLE_REPORTS[case]), PHONE)

    assert flesch_kincaid_grade(message) <= 8


@pytest.mark.parametrize("case", SAMPLE_REPORTS)
def test_client_message_sentences_are_at_most_25_words(case):
    message = client_message(evaluate(SAMPLE_REPORTS[case]), PHONE)

    assert [s for s in sentences(message) if len(s.split()) > 25] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.rule_id)
def test_every_client_text_in_the_table_has_short_sentences(rule):
    confirmed = rule.client_text.format(numb_areas=" (left foot, right hand)", sore_areas=" (heel)")
    not_confirmed = NOT_CONFIRMED_CLIENT_TEXT[rule.level].format(topic=rule.topic)

    for text in (confirmed, not_confirmed):
        assert [s for s in sentences(text) if len(s.split()) > 25] == []


# --- What the client reads -----------------------------------------------------------------------


@pytest.mark.parametrize("case", SAMPLE_REPORTS)
def test_every_message_carries_the_disclaimer_and_the_clinic_phone(case):
    message = client_message(evaluate(SAMPLE_REPORTS[case]), PHONE)

    assert "not a medical device" in message
    assert "does not diagnose" in message
    assert "does not take the place of your doctor" in message
    assert f"call the clinic at any time: {PHONE}" in message


@pytest.mark.parametrize("phone", [None, ""])
def test_a_missing_clinic_phone_never_prints_none(phone):
    message = client_message(evaluate(report()), phone)

    assert "None" not in message
    assert message.endswith("You can call the clinic at any time.")


def test_urgent_message_starts_with_the_emergency_advice():
    message = message_for(chest_pain_or_breathlessness="yes")

    assert message.startswith(URGENT_HEADLINE)
    assert "Do not have a massage today" in message


def test_urgent_message_does_not_list_unconfirmed_non_urgent_reasons():
    message = message_for(
        chest_pain_or_breathlessness="yes", known_dvt="yes", fever="unknown", first_massage="yes"
    )

    assert "chest pain" in message
    assert "blood clot in a vein (DVT)" in message  # confirmed postpone reason: kept
    assert "fever" not in message  # unconfirmed P3: left out so it does not bury the emergency
    assert "first massage" not in message


def test_red_flags_we_could_not_rule_out_are_grouped_under_one_emergency_advice():
    message = message_for(stroke_signs="unknown", sudden_severe_headache="unknown")

    assert message.startswith(URGENT_HEADLINE)
    assert message.count("If you have any of them now, please get medical help now:") == 1
    assert "- a sudden, very bad headache" in message
    assert "- signs of a stroke" in message


def test_a_confirmed_red_flag_is_not_buried_under_the_signs_the_check_stopped_before():
    message = message_for(chest_pain_or_breathlessness="yes", stroke_signs="unknown",
                          sudden_severe_headache="unknown")

    assert message.startswith(URGENT_HEADLINE)
    assert "chest pain" in message
    assert "If you have any of them now" not in message
    assert "signs of a stroke" not in message


def test_postpone_message_asks_to_rebook_and_lists_no_session_precautions():
    message = message_for(active_flare_up="yes", first_massage="yes", spasticity="yes")

    assert message.startswith("Please do not have your massage for now")
    assert "flare-up" in message
    assert "book a new date" in message
    assert "In your session:" not in message
    assert "first massage" not in message  # a short-session reason means nothing when postponed


def test_postpone_message_for_an_unconfirmed_answer_asks_to_talk_to_the_clinic():
    message = message_for(known_dvt="unknown")

    assert "please talk to the clinic before your session" in message


def test_reasons_that_say_so_send_the_client_to_their_neurologist_or_doctor():
    assert "neurologist" in message_for(new_or_worsening_symptoms="yes")
    assert "ask your doctor if massage is OK" in message_for(
        heart_or_circulation_problem="yes", heart_cleared="no"
    )


def test_shorten_message_books_30_minutes_and_lists_the_precautions():
    message = client_message(evaluate(SAMPLE_REPORTS["shorten"]), PHONE)

    assert message.startswith(
        "You can come for your massage, but we will book a short session of about 30 minutes."
    )
    assert "Why:\n- You feel your usual MS tiredness today" in message
    assert "In your session:" in message
    assert "numb (left foot)" in message
    assert "sore or ulcer (left heel)" in message
    assert "We could not confirm nerve pain" in message


def test_proceed_gently_message_has_no_reasons_and_the_standard_precautions():
    message = client_message(evaluate(SAMPLE_REPORTS["proceed_gently"]), PHONE)

    assert message.startswith("You can come for your massage as planned, and it will be gentle.")
    assert "Why:" not in message
    assert "light to medium pressure" in message
    assert "skip hot showers and saunas" in message


# --- What the therapist reads --------------------------------------------------------------------


def test_therapist_summary_is_specific():
    client = report(
        first_massage="yes",
        sensory_change="yes",
        sensory_change_is_new="no",
        sensory_areas=["left foot", "right hand"],
        sensory_since="for years",
        temperature_c=37.4,
        pressure_sores="yes",
        pressure_sore_areas=["sacrum"],
        osteoporosis="unknown",
    )
    summary = therapist_summary(evaluate(client), client)

    assert summary.startswith("Outcome: SHORTEN: 30-minute protocol")
    assert "- S2 (shorten): First massage" in summary
    assert (
        "- G5: Numbness or reduced sensation (left foot, right hand): very gentle only" in summary
    )
    assert "- G9: Pressure sores or ulcers (sacrum): avoid the area entirely" in summary
    assert "- G8: Osteoporosis: lighter pressure; no joint mobilisation. Not confirmed" in summary
    # in the order the check asks them (protocol/questions.yml)
    assert "- Yes: sensory change, pressure sores, first massage." in summary
    assert "- Unknown: osteoporosis." in summary
    assert "- Numbness or tingling: left foot, right hand; since: for years." in summary
    assert "- Temperature: 37.4 °C." in summary
    assert summary.endswith("Not confirmed (answer unknown, ask the client): G8.")


def test_follow_ups_never_asked_are_listed_as_not_asked_not_as_unknown():
    # The slots as a finished check leaves them: a follow-up is asked only after a yes, so
    # after a no or a "not sure" its slot stays empty.
    slots = {**RETURNING_CLIENT_ALL_NO, "recent_relapse": "no", "relapse_cleared": None,
             "heart_or_circulation_problem": "unknown", "heart_cleared": None,
             "fatigue_today": "yes", "fatigue_unusual": "unknown", "osteoporosis": "unknown"}
    client = ClientReport.from_slots(slots)
    summary = therapist_summary(evaluate(client), client)

    assert "- Unknown: fatigue unusual, heart or circulation problem, osteoporosis." in summary
    assert "- Not asked (did not apply): relapse cleared, heart cleared." in summary


def test_therapist_summary_for_urgent_care_says_do_not_treat():
    client = report(clot_signs="yes", fever="unknown")
    summary = therapist_summary(evaluate(client), client)

    assert summary.startswith("Outcome: POSTPONE + URGENT CARE: do not treat")
    assert "- R3 (urgent): Possible DVT" in summary
    assert "Precautions (for when the client rebooks):" in summary
    assert summary.endswith("Not confirmed (answer unknown, ask the client): P3.")
