"""The rule table against the clinical spec: every rule is there once and fires on its own."""

import re
from collections import Counter
from pathlib import Path

import pytest

from protocol import ANSWER_FIELDS, RULES, ClientReport, evaluate

SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "clinical-rules.md"
ALWAYS_ON = {"G1", "G2", "G3", "G4", "G11"}
RETURNING_CLIENT_ALL_NO = {question: "no" for question in ANSWER_FIELDS}

# (rule id, answers that differ from an all-"no" returning client, outcome, urgent care)
ON_ITS_OWN = [
    ("R1", {"stroke_signs": "yes"}, "postpone", True),
    ("R2", {"chest_pain_or_breathlessness": "yes"}, "postpone", True),
    ("R3", {"clot_signs": "yes"}, "postpone", True),
    ("R4", {"sudden_vision_loss": "yes"}, "postpone", True),
    ("R5", {"high_fever_or_confusion": "yes"}, "postpone", True),
    ("R6", {"sudden_severe_headache": "yes"}, "postpone", True),
    ("R7", {"cannot_walk_or_stand_safely": "yes"}, "postpone", True),
    ("P1", {"active_flare_up": "yes"}, "postpone", False),
    ("P2", {"new_or_worsening_symptoms": "yes"}, "postpone", False),
    ("P3", {"fever": "yes"}, "postpone", False),
    ("P4", {"fatigue_today": "yes", "fatigue_unusual": "yes"}, "postpone", False),
    ("P5", {"heat_worsening_now": "yes"}, "postpone", False),
    ("P6", {"blood_pressure_or_fainting": "yes"}, "postpone", False),
    ("P7", {"recent_relapse": "yes", "relapse_cleared": "no"}, "postpone", False),
    ("P8", {"known_dvt": "yes"}, "postpone", False),
    ("P9", {"heart_or_circulation_problem": "yes", "heart_cleared": "no"}, "postpone", False),
    ("S1", {"fatigue_today": "yes", "fatigue_unusual": "no"}, "shorten", False),
    ("S2", {"first_massage": "yes"}, "shorten", False),
    ("S3", {"recent_relapse": "yes", "relapse_cleared": "yes"}, "shorten", False),
    ("G1", {}, "proceed_gently", False),
    ("G2", {}, "proceed_gently", False),
    ("G3", {}, "proceed_gently", False),
    ("G4", {}, "proceed_gently", False),
    ("G5", {"sensory_change": "yes", "sensory_change_is_new": "no"}, "proceed_gently", False),
    ("G6", {"nerve_pain": "yes"}, "proceed_gently", False),
    ("G7", {"spasticity": "yes"}, "proceed_gently", False),
    ("G8", {"osteoporosis": "yes"}, "proceed_gently", False),
    ("G9", {"pressure_sores": "yes"}, "proceed_gently", False),
    ("G10", {"balance_problems": "yes"}, "proceed_gently", False),
    ("G11", {}, "proceed_gently", False),
]


@pytest.mark.parametrize(
    ("rule_id", "answers", "outcome", "urgent_care"),
    [pytest.param(*case, id=case[0]) for case in ON_ITS_OWN],
)
def test_rule_fires_on_its_own(rule_id, answers, outcome, urgent_care):
    decision = evaluate(ClientReport.from_slots({**RETURNING_CLIENT_ALL_NO, **answers}))

    fired = [r.rule_id for r in (*decision.reasons, *decision.precautions)]
    assert set(fired) == ALWAYS_ON | {rule_id}
    assert all(r.confirmed for r in (*decision.reasons, *decision.precautions))
    assert (decision.outcome.value, decision.urgent_care) == (outcome, urgent_care)


def test_every_rule_in_the_table_has_a_fires_on_its_own_case():
    assert sorted(case[0] for case in ON_ITS_OWN) == sorted(rule.rule_id for rule in RULES)


def test_rule_ids_in_the_table_are_unique():
    assert [i for i, n in Counter(rule.rule_id for rule in RULES).items() if n > 1] == []


def test_every_rule_id_in_the_clinical_spec_appears_in_the_table_exactly_once():
    if not SPEC.exists():
        pytest.skip(f"clinical spec not found at {SPEC} (shared/ is not beside the repo)")
    spec_ids = set(
        re.findall(r"^\|\s*([RPSG]\d+)\s*\|", SPEC.read_text(encoding="utf-8"), re.MULTILINE)
    )
    table = Counter(rule.rule_id for rule in RULES)

    assert len(spec_ids) == 30
    assert {rule_id: table[rule_id] for rule_id in spec_ids} == {rule_id: 1 for rule_id in spec_ids}
    assert set(table) == spec_ids


def test_table_levels_follow_the_rule_id_letter():
    level_of_letter = {"R": "urgent", "P": "postpone", "S": "shorten", "G": "proceed_gently"}
    assert all(rule.level.value == level_of_letter[rule.rule_id[0]] for rule in RULES)


def test_every_rule_names_a_source_topic_and_both_texts():
    for rule in RULES:
        assert rule.source and rule.topic and rule.client_text and rule.therapist_text, rule.rule_id
