"""Properties that must hold for every combination of answers (hypothesis)."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import (
    ANSWER_FIELDS,
    RULES,
    Answer,
    ClientReport,
    Level,
    client_message,
    evaluate,
    therapist_summary,
)

# No example database: it would write a .hypothesis folder into the repository root.
PROPERTY = settings(max_examples=300, deadline=None, database=None)

AREAS = st.lists(
    st.sampled_from(["left foot", "right hand", "face", "lower back"]), max_size=3
).map(tuple)
reports = st.builds(
    ClientReport,
    **{question: st.sampled_from(list(Answer)) for question in ANSWER_FIELDS},
    sensory_areas=AREAS,
    sensory_since=st.none() | st.sampled_from(["since sunday", "for years"]),
    temperature_c=st.none() | st.floats(min_value=35.0, max_value=41.5),
    pressure_sore_areas=AREAS,
)

# Every question that can lead to postpone, as the spec lists them (follow-up questions included).
POSTPONE_QUESTIONS = (
    "stroke_signs",
    "chest_pain_or_breathlessness",
    "clot_signs",
    "sudden_vision_loss",
    "high_fever_or_confusion",
    "sudden_severe_headache",
    "cannot_walk_or_stand_safely",
    "active_flare_up",
    "recent_relapse",
    "relapse_cleared",
    "new_or_worsening_symptoms",
    "sensory_change",
    "sensory_change_is_new",
    "fever",
    "infection_signs",
    "fatigue_today",
    "fatigue_unusual",
    "heat_worsening_now",
    "blood_pressure_or_fainting",
    "known_dvt",
    "heart_or_circulation_problem",
    "heart_cleared",
)
RULE = {rule.rule_id: rule for rule in RULES}


def rank(decision):
    """urgent = 3, postpone = 2, shorten = 1, proceed_gently = 0."""
    return Level.URGENT.rank if decision.urgent_care else decision.outcome.rank


def spec_fires(report):
    """The spec's conditions written out independently of the rule table."""

    def yes_or_unknown(question):
        return report.answer(question) is not Answer.NO

    def said(question, answer):
        return report.answer(question) is answer

    temperature = report.temperature_c if report.temperature_c is not None else 0.0
    fires = {
        "R1": yes_or_unknown("stroke_signs"),
        "R2": yes_or_unknown("chest_pain_or_breathlessness"),
        "R3": yes_or_unknown("clot_signs"),
        "R4": yes_or_unknown("sudden_vision_loss"),
        "R5": yes_or_unknown("high_fever_or_confusion") or temperature >= 39.0,
        "R6": yes_or_unknown("sudden_severe_headache"),
        "R7": yes_or_unknown("cannot_walk_or_stand_safely"),
        "P1": yes_or_unknown("active_flare_up"),
        "P2": yes_or_unknown("new_or_worsening_symptoms")
        or (yes_or_unknown("sensory_change") and yes_or_unknown("sensory_change_is_new")),
        "P3": yes_or_unknown("fever") or yes_or_unknown("infection_signs") or temperature >= 38.0,
        "P4": yes_or_unknown("fatigue_today") and yes_or_unknown("fatigue_unusual"),
        "P5": yes_or_unknown("heat_worsening_now"),
        "P6": yes_or_unknown("blood_pressure_or_fainting"),
        "P7": yes_or_unknown("recent_relapse") and not said("relapse_cleared", Answer.YES),
        "P8": yes_or_unknown("known_dvt"),
        "P9": yes_or_unknown("heart_or_circulation_problem")
        and not said("heart_cleared", Answer.YES),
        "S1": yes_or_unknown("fatigue_today") and said("fatigue_unusual", Answer.NO),
        "S2": yes_or_unknown("first_massage"),
        "S3": yes_or_unknown("recent_relapse") and said("relapse_cleared", Answer.YES),
        "G1": True,
        "G2": True,
        "G3": True,
        "G4": True,
        "G5": yes_or_unknown("sensory_change"),
        "G6": yes_or_unknown("nerve_pain"),
        "G7": yes_or_unknown("spasticity"),
        "G8": yes_or_unknown("osteoporosis"),
        "G9": yes_or_unknown("pressure_sores"),
        "G10": yes_or_unknown("balance_problems"),
        "G11": True,
    }
    return {rule_id for rule_id, fired in fires.items() if fired}


@PROPERTY
@given(reports)
def test_the_table_fires_exactly_the_rules_the_spec_says(report):
    decision = evaluate(report)

    assert {r.rule_id for r in (*decision.reasons, *decision.precautions)} == spec_fires(report)


@PROPERTY
@given(reports)
def test_outcome_is_the_most_conservative_fired_rule(report):
    decision = evaluate(report)

    assert all(rank(decision) >= reason.level.rank for reason in decision.reasons)
    assert rank(decision) == max((reason.level.rank for reason in decision.reasons), default=0)


@PROPERTY
@given(reports)
def test_urgent_care_only_with_postpone(report):
    decision = evaluate(report)

    assert not decision.urgent_care or decision.outcome is Level.POSTPONE
    assert decision.outcome is not Level.URGENT


def test_postpone_questions_are_exactly_those_the_table_can_postpone_on():
    in_table = {
        question
        for rule in RULES
        if rule.level.rank >= Level.POSTPONE.rank
        for question in rule.condition.questions
    }
    assert in_table == set(POSTPONE_QUESTIONS)


@pytest.mark.parametrize("question", POSTPONE_QUESTIONS)
@settings(max_examples=60, deadline=None, database=None)
@given(reports)
def test_unknown_instead_of_yes_is_never_less_conservative(question, report):
    said_yes = evaluate(replace(report, **{question: Answer.YES}))
    unknown = evaluate(replace(report, **{question: Answer.UNKNOWN}))

    assert rank(unknown) >= rank(said_yes)


@PROPERTY
@given(reports, st.sampled_from(ANSWER_FIELDS), st.sampled_from([Answer.YES, Answer.NO]))
def test_unknown_is_never_less_conservative_than_any_clear_answer_to_any_question(
    report, question, clear
):
    clear_answer = evaluate(replace(report, **{question: clear}))
    unknown = evaluate(replace(report, **{question: Answer.UNKNOWN}))

    assert rank(unknown) >= rank(clear_answer)


@PROPERTY
@given(reports)
def test_the_decision_and_its_texts_are_deterministic(report):
    twin = replace(report)

    assert evaluate(report) == evaluate(twin)
    assert evaluate(report).payload() == evaluate(twin).payload()
    assert client_message(evaluate(report), "555 0100") == client_message(
        evaluate(twin), "555 0100"
    )
    assert therapist_summary(evaluate(report), report) == therapist_summary(evaluate(twin), twin)


@PROPERTY
@given(reports)
def test_unconfirmed_reasons_come_from_unknown_answers_and_clear_answers_confirm(report):
    decision = evaluate(report)

    for reason in (*decision.reasons, *decision.precautions):
        questions = RULE[reason.rule_id].condition.questions
        has_unknown = any(report.answer(q) is Answer.UNKNOWN for q in questions)
        if not reason.confirmed:
            assert has_unknown, reason.rule_id
        if not has_unknown:
            assert reason.confirmed, reason.rule_id


@PROPERTY
@given(reports)
def test_payload_lists_reasons_in_table_order_and_unconfirmed_among_them(report):
    payload = evaluate(report).payload()
    table_order = [rule.rule_id for rule in RULES]

    assert payload["reasons"] == sorted(payload["reasons"], key=table_order.index)
    assert set(payload["unconfirmed"]) <= set(payload["reasons"])
    assert payload["advice"] in {"postpone", "shorten", "proceed_gently"}
