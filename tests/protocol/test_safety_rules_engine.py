"""Decisions for concrete reports: the spec's "not" cases, fail closed, precedence, parsing."""

import pytest

from protocol import (
    ANSWER_FIELDS,
    RULES,
    Answer,
    ClientReport,
    Level,
    evaluate,
)

RETURNING_CLIENT_ALL_NO = {question: "no" for question in ANSWER_FIELDS}
# Follow-up questions are only asked after a "yes", so in a real check they stay unknown.
FOLLOW_UP_QUESTIONS = (
    "relapse_cleared",
    "sensory_change_is_new",
    "fatigue_unusual",
    "heart_cleared",
)
TOPIC = {rule.rule_id: rule.topic for rule in RULES}


def report(**answers):
    return ClientReport.from_slots({**RETURNING_CLIENT_ALL_NO, **answers})


def fired_ids(decision):
    return [r.rule_id for r in (*decision.reasons, *decision.precautions)]


# --- The spec's "not" cases -------------------------------------------------------------------


def test_not_p2_long_standing_unchanged_numbness_is_g5_only():
    decision = evaluate(
        report(sensory_change="yes", sensory_change_is_new="no", sensory_areas=["left foot"])
    )

    assert "P2" not in fired_ids(decision)
    assert "G5" in fired_ids(decision)
    assert decision.outcome is Level.PROCEED_GENTLY


def test_not_p5_general_heat_sensitivity_without_current_worsening():
    decision = evaluate(report(heat_worsening_now="no"))

    assert "P5" not in fired_ids(decision)
    assert "G2" in fired_ids(decision)  # the room is kept cool anyway
    assert decision.outcome is Level.PROCEED_GENTLY


def test_not_p3_past_illness_or_family_members_illness():
    # The NLU marks such mentions historical / other_person, which never set a slot, so at this
    # level the fever and infection answers are "no".
    decision = evaluate(report(fever="no", infection_signs="no", temperature_c=36.8))

    assert "P3" not in fired_ids(decision)
    assert decision.outcome is Level.PROCEED_GENTLY


def test_not_p1_or_p7_relapse_long_ago_stable_since():
    decision = evaluate(
        report(active_flare_up="no", recent_relapse="no", relapse_cleared="unknown")
    )

    assert not {"P1", "P7", "S3"} & set(fired_ids(decision))
    assert decision.outcome is Level.PROCEED_GENTLY


# --- A returning client with nothing to report --------------------------------------------------


@pytest.mark.parametrize("follow_ups", ["no", "unknown"], ids=["all-no", "follow-ups-never-asked"])
def test_returning_client_all_no_proceeds_gently_with_the_standard_precautions(follow_ups):
    decision = evaluate(report(**{question: follow_ups for question in FOLLOW_UP_QUESTIONS}))

    assert decision.outcome is Level.PROCEED_GENTLY
    assert decision.urgent_care is False
    assert decision.reasons == ()
    assert [p.rule_id for p in decision.precautions] == ["G1", "G2", "G3", "G4", "G11"]
    assert decision.payload() == {
        "advice": "proceed_gently",
        "urgent_care": False,
        "reasons": [],
        "unconfirmed": [],
        "rules_version": "1.0.1",
    }


# --- Other ways a rule fires ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected_reasons"),
    [
        pytest.param(
            {"sensory_change": "yes", "sensory_change_is_new": "yes"}, ["P2"], id="P2-new-numbness"
        ),
        pytest.param({"infection_signs": "yes"}, ["P3"], id="P3-infection"),
        pytest.param({"temperature_c": 38.0}, ["P3"], id="P3-temperature-38.0"),
        pytest.param({"temperature_c": 37.9}, [], id="no-P3-temperature-37.9"),
        pytest.param({"temperature_c": 39.0}, ["R5", "P3"], id="R5-temperature-39.0"),
        pytest.param({"temperature_c": "39.4"}, ["R5", "P3"], id="R5-temperature-as-text"),
    ],
)
def test_other_triggers(answers, expected_reasons):
    decision = evaluate(report(**answers))

    assert decision.payload()["reasons"] == expected_reasons
    assert decision.payload()["unconfirmed"] == []


def test_precedence_urgent_over_postpone_over_shorten_and_every_fired_rule_is_a_reason():
    decision = evaluate(report(first_massage="yes", known_dvt="yes", clot_signs="yes"))

    assert decision.payload() == {
        "advice": "postpone",
        "urgent_care": True,
        "reasons": ["R3", "P8", "S2"],
        "unconfirmed": [],
        "rules_version": "1.0.1",
    }


def test_postpone_over_shorten():
    decision = evaluate(report(first_massage="yes", fever="yes"))

    assert (decision.outcome, decision.urgent_care) == (Level.POSTPONE, False)
    assert decision.payload()["reasons"] == ["P3", "S2"]


# --- Fail closed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "answers"),
    [
        pytest.param("P1", {"active_flare_up": "unknown"}, id="P1"),
        pytest.param("P2", {"new_or_worsening_symptoms": "unknown"}, id="P2-symptoms"),
        pytest.param(
            "P2", {"sensory_change": "yes", "sensory_change_is_new": "unknown"}, id="P2-is-new"
        ),
        pytest.param("P3", {"fever": "unknown"}, id="P3-fever"),
        pytest.param("P3", {"infection_signs": "unknown"}, id="P3-infection"),
        pytest.param("P4", {"fatigue_today": "yes", "fatigue_unusual": "unknown"}, id="P4-unusual"),
        pytest.param(
            "P4", {"fatigue_today": "unknown", "fatigue_unusual": "unknown"}, id="P4-fatigue"
        ),
        pytest.param("P5", {"heat_worsening_now": "unknown"}, id="P5"),
        pytest.param("P6", {"blood_pressure_or_fainting": "unknown"}, id="P6"),
        pytest.param(
            "P7", {"recent_relapse": "yes", "relapse_cleared": "unknown"}, id="P7-cleared"
        ),
        pytest.param(
            "P7", {"recent_relapse": "unknown", "relapse_cleared": "unknown"}, id="P7-relapse"
        ),
        pytest.param("P8", {"known_dvt": "unknown"}, id="P8"),
        pytest.param(
            "P9",
            {"heart_or_circulation_problem": "yes", "heart_cleared": "unknown"},
            id="P9-cleared",
        ),
        pytest.param("P9", {"heart_or_circulation_problem": "unknown"}, id="P9-heart"),
    ],
)
def test_unknown_postpone_answer_postpones_and_says_we_could_not_confirm(rule_id, answers):
    decision = evaluate(report(**answers))

    assert (decision.outcome, decision.urgent_care) == (Level.POSTPONE, False)
    assert decision.payload()["reasons"] == [rule_id]
    assert decision.payload()["unconfirmed"] == [rule_id]
    assert decision.reasons[0].client_text == (
        f"We could not confirm {TOPIC[rule_id]} — please talk to the clinic before your session."
    )


@pytest.mark.parametrize(
    ("rule_id", "question"),
    [
        ("R1", "stroke_signs"),
        ("R2", "chest_pain_or_breathlessness"),
        ("R3", "clot_signs"),
        ("R4", "sudden_vision_loss"),
        ("R5", "high_fever_or_confusion"),
        ("R6", "sudden_severe_headache"),
        ("R7", "cannot_walk_or_stand_safely"),
    ],
)
def test_unknown_red_flag_gives_urgent_care_and_says_we_could_not_rule_it_out(rule_id, question):
    decision = evaluate(report(**{question: "unknown"}))

    assert (decision.outcome, decision.urgent_care) == (Level.POSTPONE, True)
    assert decision.payload()["unconfirmed"] == [rule_id]
    assert decision.reasons[0].client_text.startswith(f"We could not rule out {TOPIC[rule_id]}.")
    assert "get medical help now" in decision.reasons[0].client_text


def test_a_check_that_was_never_answered_never_proceeds():
    decision = evaluate(ClientReport())

    assert (decision.outcome, decision.urgent_care) == (Level.POSTPONE, True)
    assert decision.payload()["unconfirmed"] == decision.payload()["reasons"]


def test_relapse_clearance_unknown_is_p7_not_s3():
    decision = evaluate(report(recent_relapse="yes", relapse_cleared="unknown"))

    assert decision.payload()["reasons"] == ["P7"]


def test_unconfirmed_precaution_says_ask_the_client():
    decision = evaluate(report(sensory_change="unknown", sensory_change_is_new="no"))
    g5 = next(p for p in decision.precautions if p.rule_id == "G5")

    assert g5.confirmed is False
    assert "Not confirmed — ask the client." in g5.therapist_text
    assert decision.outcome is Level.PROCEED_GENTLY


# --- Areas named in the precautions --------------------------------------------------------------


def test_numb_and_sore_areas_are_named_in_the_precautions():
    decision = evaluate(
        report(
            sensory_change="yes",
            sensory_change_is_new="no",
            sensory_areas=["left foot", "right hand"],
            pressure_sores="yes",
            pressure_sore_areas=("sacrum",),
        )
    )
    precaution = {p.rule_id: p for p in decision.precautions}

    assert "(left foot, right hand)" in precaution["G5"].client_text
    assert "(left foot, right hand)" in precaution["G5"].therapist_text
    assert "(sacrum)" in precaution["G9"].client_text
    assert "(sacrum): avoid the area entirely" in precaution["G9"].therapist_text


def test_areas_not_named_tells_the_therapist_to_ask():
    decision = evaluate(report(pressure_sores="yes"))
    g9 = next(p for p in decision.precautions if p.rule_id == "G9")

    assert "(areas not named — ask the client)" in g9.therapist_text
    assert "{" not in g9.client_text


def test_postponed_session_still_computes_precautions_for_rebooking():
    decision = evaluate(report(active_flare_up="yes", spasticity="yes"))

    assert decision.outcome is Level.POSTPONE
    assert "G7" in [p.rule_id for p in decision.precautions]


# --- Reading the report --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", Answer.YES),
        ("no", Answer.NO),
        ("unknown", Answer.UNKNOWN),
        (None, Answer.UNKNOWN),
        (" Yes ", Answer.YES),
        ("NO", Answer.NO),
        ("maybe", Answer.UNKNOWN),
        (True, Answer.UNKNOWN),
        (Answer.YES, Answer.YES),
    ],
)
def test_answer_parse_only_takes_a_clear_yes_or_no(value, expected):
    assert Answer.parse(value) is expected


def test_from_slots_ignores_other_slots_and_reads_details():
    slots = {
        "fever": "no",
        "requested_slot": "fever",
        "session_started_metadata": {"x": 1},
        "sensory_areas": ["left foot", " ", "face"],
        "sensory_since": " since sunday ",
        "temperature_c": "38.3",
        "pressure_sore_areas": "left heel",
    }
    client = ClientReport.from_slots(slots)

    assert client.fever is Answer.NO
    assert client.stroke_signs is Answer.UNKNOWN
    assert client.sensory_areas == ("left foot", "face")
    assert client.sensory_since == "since sunday"
    assert client.temperature_c == 38.3
    assert client.pressure_sore_areas == ("left heel",)


@pytest.mark.parametrize("value", ["warm", float("nan"), True, None])
def test_unreadable_temperature_is_dropped(value):
    assert ClientReport(temperature_c=value).temperature_c is None
