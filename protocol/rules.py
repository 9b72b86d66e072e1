"""The rule table: every rule of the clinical spec (shared/clinical-rules.md), once, as data.

How to read a rule (see README.md next to this file):
  condition     reported(q)       the client said yes to q, or we could not find out
                not_confirmed(q)  the client did not clearly say yes to q (no, or unknown)
                confirmed_yes(q)  the client clearly said yes; confirmed_no(q) likewise for no
                all_of(...) every part holds; any_of(...) at least one part holds
  client_text   what the client reads when the rule fired on clear answers
  topic         used instead when the rule fired only because an answer was unknown
                (wording in NOT_CONFIRMED_CLIENT_TEXT below)
  {numb_areas}, {sore_areas}  are filled in with the body areas the client named

Every change to this file bumps RULES_VERSION and gets an entry in CHANGELOG.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .conditions import (
    Condition,
    all_of,
    always,
    any_of,
    confirmed_no,
    confirmed_yes,
    not_confirmed,
    reported,
    temperature_at_least,
)
from .thresholds import FEVER_C, HIGH_FEVER_C

RULES_VERSION = "1.0.1"


class Level(str, Enum):
    """Outcome levels, least to most conservative."""

    PROCEED_GENTLY = "proceed_gently"
    SHORTEN = "shorten"
    POSTPONE = "postpone"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    level: Level
    condition: Condition
    client_text: str
    therapist_text: str
    source: str
    topic: str


# Fail-closed wording, used when a rule fired only because an answer was unknown.
NOT_CONFIRMED_CLIENT_TEXT = {
    Level.URGENT: (
        "We could not rule out {topic}. If you have this now, please get medical help now."
    ),
    Level.POSTPONE: "We could not confirm {topic} — please talk to the clinic before your session.",
    Level.SHORTEN: "We could not confirm {topic}, so we will plan a short session.",
    Level.PROCEED_GENTLY: (
        "We could not confirm {topic}, so your therapist will ask you about it first."
    ),
}
NOT_CONFIRMED_THERAPIST_NOTE = "Not confirmed — ask the client."

_RED_FLAGS = "clinical-rules.md red flags (beyond the seeds)"
_URGENT_NOTE = "Do not treat; client told to get medical help now."

RULES: tuple[Rule, ...] = (
    # --- Red flags: postpone + urgent care -------------------------------------------------------
    Rule(
        "R1", Level.URGENT,
        reported("stroke_signs"),
        client_text=(
            "You told us about signs of a possible stroke, like a drooping face, weakness on one"
            " side, slurred speech or loss of balance. Even if it may be your MS, these signs need"
            " care now."
        ),
        therapist_text=(
            f"Stroke signs (BE-FAST); not to be told apart from an MS relapse here. {_URGENT_NOTE}"
        ),
        source=f"{_RED_FLAGS}: stroke warning signs BE-FAST",
        topic="signs of a stroke, like a drooping face, weakness on one side or slurred speech",
    ),
    Rule(
        "R2", Level.URGENT,
        reported("chest_pain_or_breathlessness"),
        client_text="You told us about chest pain or pressure, or sudden shortness of breath.",
        therapist_text=f"Chest pain or pressure, or sudden shortness of breath. {_URGENT_NOTE}",
        source=_RED_FLAGS,
        topic="chest pain or sudden shortness of breath",
    ),
    Rule(
        "R3", Level.URGENT,
        reported("clot_signs"),
        client_text=(
            "You told us one leg is newly swollen, painful, warm or red. This can be a blood clot."
        ),
        therapist_text=(
            f"Possible DVT: one calf or leg newly swollen, painful, warm or red. {_URGENT_NOTE}"
        ),
        source=f"{_RED_FLAGS}; Werner, A Massage Therapist's Guide to Pathology (DVT)",
        topic="a blood clot in your leg, with one leg newly swollen, painful, warm or red",
    ),
    Rule(
        "R4", Level.URGENT,
        reported("sudden_vision_loss"),
        client_text="You told us about a sudden loss of sight or sudden double vision.",
        therapist_text=f"Sudden loss of vision or sudden double vision. {_URGENT_NOTE}",
        source=(
            f"{_RED_FLAGS}: BE-FAST (eyes); MS Association of America, when to call a neurologist"
        ),
        topic="a sudden loss of sight or double vision",
    ),
    Rule(
        "R5", Level.URGENT,
        any_of(reported("high_fever_or_confusion"), temperature_at_least(HIGH_FEVER_C)),
        client_text=(
            "You told us about a high fever, shaking chills, confusion, or feeling very unwell."
        ),
        therapist_text=(
            f"High fever ({HIGH_FEVER_C:g} °C / 102 °F or more), fever with shaking chills,"
            f" confusion, or very unwell. {_URGENT_NOTE}"
        ),
        source=f"{_RED_FLAGS}: MS Association of America, when to call a neurologist",
        topic="a high fever, shaking chills or confusion",
    ),
    Rule(
        "R6", Level.URGENT,
        reported("sudden_severe_headache"),
        client_text="You told us about a sudden, very bad headache.",
        therapist_text=f"Sudden, severe (\"worst ever\") headache. {_URGENT_NOTE}",
        source=_RED_FLAGS,
        topic="a sudden, very bad headache",
    ),
    Rule(
        "R7", Level.URGENT,
        reported("cannot_walk_or_stand_safely"),
        client_text=(
            "You told us new weakness or loss of balance stops you from walking or standing "
            "safely."
        ),
        therapist_text=(
            f"New weakness or loss of balance; cannot walk or stand safely. {_URGENT_NOTE}"
        ),
        source=(
            f"{_RED_FLAGS}: BE-FAST (balance); MS Association of America, when to call a "
            "neurologist"
        ),
        topic="new weakness or loss of balance that stops you from walking or standing safely",
    ),
    # --- Postpone ---------------------------------------------------------------------------------
    Rule(
        "P1", Level.POSTPONE,
        reported("active_flare_up"),
        client_text=(
            "You told us you have a flare-up now, or take steroids for one. Massage should wait"
            " until it settles. If your neurologist does not know yet, please tell them."
        ),
        therapist_text=(
            "Active flare-up / relapse now (or on steroids for one). Postpone until it settles."
        ),
        source=(
            "seed 001 §3; seed 002 (Werner: let acute inflammation pass); seed 003 \"should not be"
            " received during active (acute) flare ups\""
        ),
        topic="whether you have a flare-up now",
    ),
    Rule(
        "P2", Level.POSTPONE,
        any_of(
            reported("new_or_worsening_symptoms"),
            all_of(reported("sensory_change"), reported("sensory_change_is_new")),
        ),
        client_text=(
            "You told us about new or changing symptoms. Please tell your neurologist about them"
            " before you book again."
        ),
        therapist_text=(
            "New or worsening symptoms (incl. new or changing numbness, tingling or burning), not"
            " the client's usual stable ones. Possible relapse: postpone; client to see"
            " neurologist."
        ),
        source="seed 001 §3 \"New symptoms (especially sensory)\"",
        topic="whether you have new or changing symptoms",
    ),
    Rule(
        "P3", Level.POSTPONE,
        any_of(reported("fever"), reported("infection_signs"), temperature_at_least(FEVER_C)),
        client_text=(
            "You told us about a fever or signs of an infection, like a cold, flu, cough or bladder"
            " infection. Please rest, and see your doctor if you do not get better."
        ),
        therapist_text=(
            f"Fever ({FEVER_C:.1f} °C or more) or signs of infection. Postpone until recovered."
        ),
        source="seed 001 §3 \"Fever or signs of infection\"",
        topic="whether you have a fever or an infection",
    ),
    Rule(
        "P4", Level.POSTPONE,
        all_of(reported("fatigue_today"), reported("fatigue_unusual")),
        client_text=(
            "You told us you are more tired than usual today, or for no clear reason. Please talk"
            " to your doctor if it goes on."
        ),
        therapist_text=(
            "Unusual or unexplained fatigue (not the client's usual MS tiredness). Postpone."
        ),
        source="seed 001 §3 \"Unexplained fatigue\"",
        topic="whether you are more tired than usual today",
    ),
    Rule(
        "P5", Level.POSTPONE,
        reported("heat_worsening_now"),
        client_text=(
            "You told us heat is making your symptoms worse right now. Please rest somewhere cool,"
            " and call your doctor if it does not pass."
        ),
        therapist_text=(
            "Symptoms worsened by heat right now (Uhthoff's phenomenon). Postpone. (General heat"
            " sensitivity alone is G2.)"
        ),
        source="seed 001 §3 \"Heat sensitivity (Uhthoff's phenomenon)\"",
        topic="whether heat is making your symptoms worse right now",
    ),
    Rule(
        "P6", Level.POSTPONE,
        reported("blood_pressure_or_fainting"),
        client_text=(
            "You told us about blood pressure problems or fainting. Please see your doctor before"
            " you book again."
        ),
        therapist_text=(
            "Blood-pressure instability, fainting or near-fainting. Postpone; client to see "
            "doctor."
        ),
        source="seed 001 §3 \"Blood pressure instability\"",
        topic="whether you have blood pressure problems or fainting",
    ),
    Rule(
        "P7", Level.POSTPONE,
        all_of(reported("recent_relapse"), not_confirmed("relapse_cleared")),
        client_text=(
            "You had a relapse in the last few weeks. Please ask your neurologist if massage is OK,"
            " then book again."
        ),
        therapist_text=(
            "Relapse in recent weeks, no physician clearance yet. Postpone until cleared."
        ),
        source=(
            "seed 001 §3 \"Always request physician clearance before beginning or resuming massage"
            " post-relapse\""
        ),
        topic="whether a doctor said massage is OK after a recent relapse",
    ),
    Rule(
        "P8", Level.POSTPONE,
        reported("known_dvt"),
        client_text=(
            "You told us you have a blood clot in a vein (DVT). Massage must wait until your doctor"
            " says it is safe."
        ),
        therapist_text="Known, current DVT. Massage contraindicated until medically cleared.",
        source=(
            "seed 001 §4 (contraindicated comorbidities: DVT); Werner: DVT contraindicates massage"
        ),
        topic="whether you have a blood clot in a vein (DVT) now",
    ),
    Rule(
        "P9", Level.POSTPONE,
        all_of(reported("heart_or_circulation_problem"), not_confirmed("heart_cleared")),
        client_text=(
            "You told us about a heart or blood flow problem. Please ask your doctor if massage is"
            " OK, then book again."
        ),
        therapist_text=(
            "Cardiovascular problem not cleared for massage by the client's doctor. Postpone until"
            " cleared."
        ),
        source=(
            "seed 001 §7 \"check with your doctor — especially if you have cardiovascular"
            " complications\""
        ),
        topic="whether your heart or blood flow is OK for massage",
    ),
    # --- Shorten (about 30 minutes) ---------------------------------------------------------------
    Rule(
        "S1", Level.SHORTEN,
        all_of(reported("fatigue_today"), confirmed_no("fatigue_unusual")),
        client_text="You feel your usual MS tiredness today, so a short session is best.",
        therapist_text="Usual, explained MS fatigue today. 30-minute protocol.",
        source=(
            "seed 001 §4 \"A 30-minute protocol may yield better results than a 60-minute one if"
            " the client tires easily\""
        ),
        topic="how tired you feel today",
    ),
    Rule(
        "S2", Level.SHORTEN,
        reported("first_massage"),
        client_text=(
            "This is your first massage, or your first since your MS was found, so we start with a"
            " short one."
        ),
        therapist_text=(
            "First massage (or first since diagnosis). 30-minute protocol; check tolerance."
        ),
        source=(
            "seed 001 §4 \"Offer shorter sessions, especially in the beginning\"; §7 \"Start with"
            " a short session (30 minutes)\""
        ),
        topic="whether this is your first massage",
    ),
    Rule(
        "S3", Level.SHORTEN,
        all_of(reported("recent_relapse"), confirmed_yes("relapse_cleared")),
        client_text=(
            "You are coming back after a relapse, with your doctor's OK, so we start with a short "
            "session."
        ),
        therapist_text=(
            "Returning after a recent relapse, physician clearance given. 30-minute protocol."
        ),
        source="seed 001 §3 (clearance post-relapse), §4 and §7 (short sessions)",
        topic="whether you had a relapse in the last few weeks",
    ),
    # --- Gently: precautions for every session ----------------------------------------------------
    Rule(
        "G1", Level.PROCEED_GENTLY,
        always(),
        client_text="Your therapist will use light to medium pressure, with no deep tissue work.",
        therapist_text=(
            "Mild to moderate pressure only; no deep tissue unless the physician approved it."
        ),
        source="seed 001 §2, §4; seed 004",
        topic="the pressure that is right for you",
    ),
    Rule(
        "G2", Level.PROCEED_GENTLY,
        always(),
        client_text=(
            "The room will be cool, with no heat packs. After, please skip hot showers and saunas."
        ),
        therapist_text=(
            "No heat treatments; keep the room cool; advise no hot showers or saunas after."
        ),
        source="seed 001 §4, §7; seed 003",
        topic="how heat affects you",
    ),
    Rule(
        "G3", Level.PROCEED_GENTLY,
        always(),
        client_text="You will lie on your back or side, not on your front for long.",
        therapist_text="Supine or side-lying; no long prone positioning.",
        source="seed 001 §4",
        topic="how you can lie on the table",
    ),
    Rule(
        "G4", Level.PROCEED_GENTLY,
        always(),
        client_text="Your therapist will check how you feel at the start, middle and end.",
        therapist_text="Verbal check-ins at start, midpoint and end (sensation, fatigue, comfort).",
        source="seed 001 §4",
        topic="how you feel during the session",
    ),
    Rule(
        "G5", Level.PROCEED_GENTLY,
        reported("sensory_change"),
        client_text=(
            "Places that feel numb{numb_areas} will get only very gentle touch, as you may not feel"
            " pressure well there."
        ),
        therapist_text=(
            "Numbness or reduced sensation{numb_areas}: very gentle only; the client may not feel"
            " pressure or give accurate feedback."
        ),
        source="seed 001 §3; seed 003; seed 004 (Dr. Mathews)",
        topic="any numbness or loss of feeling",
    ),
    Rule(
        "G6", Level.PROCEED_GENTLY,
        reported("nerve_pain"),
        client_text=(
            "Your therapist will be gentle where you have nerve pain, and stop if it gets worse."
        ),
        therapist_text="Hypersensitive nerves or nerve pain: gentle; stop if pain increases.",
        source="seed 004",
        topic="nerve pain or skin that is very sensitive to touch",
    ),
    Rule(
        "G7", Level.PROCEED_GENTLY,
        reported("spasticity"),
        client_text="Your therapist will use slow, calm strokes so your muscles do not spasm.",
        therapist_text=(
            "Spasticity or spasms: slow rhythmic strokes, avoid triggering spasms; stretch only to"
            " slight resistance."
        ),
        source="seed 001 §2; seed 003",
        topic="muscle spasms or stiffness",
    ),
    Rule(
        "G8", Level.PROCEED_GENTLY,
        reported("osteoporosis"),
        client_text="Your therapist will use lighter pressure to protect your bones.",
        therapist_text="Osteoporosis: lighter pressure; no joint mobilisation.",
        source="seed 001 §4",
        topic="thin bones (osteoporosis)",
    ),
    Rule(
        "G9", Level.PROCEED_GENTLY,
        reported("pressure_sores"),
        client_text=(
            "Your therapist will not touch any sore or ulcer{sore_areas} until it has healed."
        ),
        therapist_text=(
            "Pressure sores or ulcers{sore_areas}: avoid the area entirely until healed."
        ),
        source="seed 001 §4; Werner, A Massage Therapist's Guide to Pathology",
        topic="pressure sores or skin ulcers",
    ),
    Rule(
        "G10", Level.PROCEED_GENTLY,
        reported("balance_problems"),
        client_text="Your therapist will help you get on and off the table safely.",
        therapist_text="Balance problems: careful, assisted transfers on and off the table.",
        source="seed 001 §7",
        topic="balance problems",
    ),
    Rule(
        "G11", Level.PROCEED_GENTLY,
        always(),
        client_text=(
            "Drink water after your session, and tell your therapist how you feel at any time."
        ),
        therapist_text=(
            "Remind the client to stay hydrated afterwards and to give feedback during the "
            "session."
        ),
        source="seed 001 §7",
        topic="how you feel after the session",
    ),
)
