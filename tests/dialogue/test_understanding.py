"""What a client message answers, and which question comes next (no Rasa needed)."""

from pathlib import Path

import pytest

from actions.understanding import (
    RECORDED_AS_UNKNOWN,
    UNCLEAR_HINT,
    understand,
    understand_history,
)
from protocol import questions

FINDING_SLOTS = {
    "fever": "fever",
    "numbness": "sensory_change",
    "infection": "infection_signs",
    "chest_pain": "chest_pain_or_breathlessness",
    "fatigue": "fatigue_today",
    "sudden_vision_loss": "sudden_vision_loss",
}
ALL_RED_FLAGS_NO = {flag: "no" for flag in questions.RED_FLAGS}


def message(intent=None, text="", entities=(), confidence=1.0):
    return {"intent": {"name": intent, "confidence": confidence}, "text": text,
            "entities": list(entities)}


def finding(value, role="present"):
    return {"entity": "finding", "value": value, "role": role}


def test_several_facts_in_one_message_answer_several_questions():
    turn = understand(
        message("inform", "no fever but my left foot has been numb since Sunday", [
            finding("fever", "negated"),
            finding("numbness"),
            {"entity": "body_part", "value": "left foot"},
            {"entity": "onset", "value": "since sunday", "role": "recent"},
        ]),
        ALL_RED_FLAGS_NO, "active_flare_up", FINDING_SLOTS,
    )
    assert turn.updates == {
        "fever": "no",
        "sensory_change": "yes",
        "sensory_change_is_new": "yes",
        "sensory_since": "since sunday",
        "sensory_areas": "left foot",
    }
    assert turn.messages == []  # not unclear: the open question is simply asked again


def test_a_what_if_answers_nothing():
    turn = understand(message("inform", entities=[finding("fever", "hypothetical")]),
                      ALL_RED_FLAGS_NO, "fever", FINDING_SLOTS)
    assert "fever" not in turn.updates


@pytest.mark.parametrize("role, text", [
    ("historical", "I had a fever last month, it's gone now"),
    ("other_person", "my son's had a fever all week, I'm fine though"),
])
def test_the_topic_only_as_over_or_someone_elses_is_a_no_now(role, text):
    """Not a fever now (the spec: "Not P3: an illness in the past that is over, or a family
    member's illness")."""
    turn = understand(message("inform", text, [finding("fever", role)]),
                      ALL_RED_FLAGS_NO, "fever", FINDING_SLOTS)
    assert turn.updates.get("fever") == "no"


@pytest.mark.parametrize("text", ["my son's had a fever all week",
                                  "my daughter has a fever, she's in bed"])
def test_someone_elses_illness_alone_says_nothing_of_the_client(text):
    """A carer may be typing for the client: without a no for themselves, ask again."""
    turn = understand(message("inform", text, [finding("fever", "other_person")]),
                      ALL_RED_FLAGS_NO, "fever", FINDING_SLOTS)
    assert "fever" not in turn.updates


def test_yes_back_in_the_spring_gone_now_is_a_no_to_a_right_now_question():
    turn = understand(message("affirm", "yes, back in the spring, it's gone now"),
                      ALL_RED_FLAGS_NO, "active_flare_up", FINDING_SLOTS)
    assert turn.updates.get("active_flare_up") == "no"


def test_a_no_to_the_question_after_someone_elses_illness_is_a_no():
    sister = message("deny", "no, my sister has flu", [finding("infection", "other_person")])
    turn = understand(sister, ALL_RED_FLAGS_NO, "infection_signs", FINDING_SLOTS)
    assert turn.updates == {"infection_signs": "no"}


def test_long_standing_unchanged_numbness_is_not_new():
    years = message("inform", "numb for years, unchanged", [finding("numbness", "stable")])
    turn = understand(years, ALL_RED_FLAGS_NO, "sensory_change", FINDING_SLOTS)
    assert turn.updates == {"sensory_change": "yes", "sensory_change_is_new": "no"}


def test_a_symptom_reported_later_overrides_an_earlier_no():
    slots = {**ALL_RED_FLAGS_NO, "fever": "no"}
    turn = understand(message("inform", "actually I do have a fever", [finding("fever")]),
                      slots, "fatigue_today", FINDING_SLOTS)
    assert turn.updates["fever"] == "yes"


def test_a_later_negation_does_not_erase_an_earlier_yes():
    slots = {**ALL_RED_FLAGS_NO, "fever": "yes"}
    turn = understand(message("inform", "no fever", [finding("fever", "negated")]),
                      slots, "fatigue_today", FINDING_SLOTS)
    assert "fever" not in turn.updates


def test_temperature_values_answer_fever_and_high_fever():
    high = understand(message("inform", "39.4", [{"entity": "temperature", "value": 39.4}]),
                      {}, "fever", FINDING_SLOTS)
    assert high.updates["fever"] == "yes"
    assert high.updates["high_fever_or_confusion"] == "yes"
    normal = understand(message("inform", "37.1", [{"entity": "temperature", "value": 37.1}]),
                        {}, "fever", FINDING_SLOTS)
    assert normal.updates["fever"] == "no"


def test_an_unclear_answer_is_asked_again_then_recorded_as_unknown():
    first = understand(message("out_of_scope", "what's the weather"), ALL_RED_FLAGS_NO,
                       "fever", FINDING_SLOTS)
    assert first.updates == {"unclear_answer": "fever"}
    assert first.messages == [UNCLEAR_HINT]
    second = understand(message("nlu_fallback", "blah"), {**ALL_RED_FLAGS_NO, **first.updates},
                        "fever", FINDING_SLOTS)
    assert second.updates == {"fever": "unknown", "unclear_answer": None}
    assert second.messages == [RECORDED_AS_UNKNOWN]


@pytest.mark.parametrize(
    "intent", ["ask_why", "ask_term", "request_human", "start_over", "goodbye"]
)
def test_digressions_are_left_to_the_dialogue_rules(intent):
    assert understand(message(intent), ALL_RED_FLAGS_NO, "fever", FINDING_SLOTS) is None


def test_a_no_to_the_red_flag_screen_answers_every_red_flag():
    turn = understand(message("deny", "no"), {}, "red_flag_screen", FINDING_SLOTS)
    assert all(turn.updates[flag] == "no" for flag in questions.RED_FLAGS)


def test_not_sure_about_red_flags_fails_closed():
    turn = understand(message("unsure", "not sure"), {"red_flag_screen": "yes"},
                      "red_flag_which", FINDING_SLOTS)
    assert all(turn.updates[flag] == "unknown" for flag in questions.RED_FLAGS)
    assert questions.required_questions({**turn.updates}) == []


def test_a_red_flag_button_stops_the_check():
    turn = understand(message("inform", entities=[{"entity": "red_flag", "value": "clot_signs"}]),
                      {"red_flag_screen": "yes"}, "red_flag_which", FINDING_SLOTS)
    assert turn.updates == {"clot_signs": "yes"}
    assert questions.next_question(turn.updates | {"red_flag_screen": "yes"}) is None


def test_a_red_flag_in_the_first_message_skips_the_whole_check():
    answers = understand_history([message("inform", "I have chest pain", [finding("chest_pain")])],
                                 FINDING_SLOTS)
    assert answers == {"chest_pain_or_breathlessness": "yes"}
    assert questions.required_questions(answers) == []


def test_the_first_message_is_not_asked_again():
    answers = understand_history([
        message("greet", "hi"),
        message("inform", "no fever, numb foot",
                [finding("fever", "negated"), finding("numbness")]),
    ], FINDING_SLOTS)
    asked = questions.required_questions(answers)
    assert "sensory_change" in asked  # in the order, but already answered:
    assert answers["sensory_change"] == "yes" and answers["fever"] == "no"
    slots = {**answers, **ALL_RED_FLAGS_NO}
    for _ in range(40):
        question = questions.next_question(slots)
        if question is None:
            break
        assert question not in ("fever", "sensory_change")
        slots[question] = "no"
    assert question is None


def test_follow_up_questions_only_when_they_matter():
    base = {**ALL_RED_FLAGS_NO}
    assert "relapse_cleared" not in questions.required_questions({**base, "recent_relapse": "no"})
    assert "relapse_cleared" in questions.required_questions({**base, "recent_relapse": "yes"})
    assert "conditions_screen" in questions.required_questions(base)
    answered = {**base, **{c: "no" for c in questions.CONDITIONS}}
    assert "conditions_screen" not in questions.required_questions(answered)


def test_every_question_has_words_and_a_reason():
    for question in questions.ASKED:
        assert questions.question_message(question)["text"]
        assert questions.why_we_ask(question)


@pytest.mark.parametrize("text", ["what is uhthoff's?", "What's a flare-up", "what is DVT"])
def test_terms_are_explained(text):
    assert questions.explain_term(text)


@pytest.mark.parametrize("text, answer", [
    ("yes my neuro said it's fine", "yes"),
    ("Yes, about three weeks ago", "yes"),
    ("nope, my sister has it", "no"),
    ("no idea", "unknown"),
    ("nothing like that", "no"),
    ("yesterday it was", None),
])
def test_a_leading_yes_or_no_answers_when_the_intent_does_not(text, answer):
    turn = understand(message("inform", text), ALL_RED_FLAGS_NO, "first_massage", FINDING_SLOTS)
    assert turn.updates.get("first_massage") == answer


def test_a_leading_no_before_a_symptom_is_not_an_answer_to_the_question():
    turn = understand(message("inform", "no fever but my foot is numb",
                              [finding("fever", "negated"), finding("numbness")]),
                      ALL_RED_FLAGS_NO, "active_flare_up", FINDING_SLOTS)
    assert "active_flare_up" not in turn.updates


@pytest.mark.parametrize("intent, text, answer", [
    ("deny", "yes but it's the same as always", "yes"),
    ("unsure", "no, not sure actually", "unknown"),
    ("unsure", "yes I think so", "yes"),
    ("unsure", "kinda", "yes"),
    ("unsure", "nah", "no"),  # the words are clear, whatever DIET guessed
    ("affirm", "a little", "yes"),
])
def test_the_leading_word_beats_affirm_deny_or_a_doubt_but_doubt_in_words_is_never_a_no(
        intent, text, answer):
    turn = understand(message(intent, text), ALL_RED_FLAGS_NO, "pressure_sores", FINDING_SLOTS)
    assert turn.updates["pressure_sores"] == answer


@pytest.mark.parametrize("intent", ["deny", "affirm", "inform"])
def test_a_statement_about_another_question_does_not_answer_this_one(intent):
    turn = understand(message(intent, "no fever", [finding("fever", "negated")]),
                      ALL_RED_FLAGS_NO, "sensory_change", FINDING_SLOTS)
    assert turn.updates == {"fever": "no"}  # numbness is asked again, not assumed absent
    assert turn.messages == []


@pytest.mark.parametrize("role", ["other_person", "historical", "hypothetical"])
def test_context_only_findings_leave_a_plain_no_standing(role):
    turn = understand(message("deny", "no, my sister has flu", [finding("infection", role)]),
                      ALL_RED_FLAGS_NO, "infection_signs", FINDING_SLOTS)
    assert turn.updates == {"infection_signs": "no"}


def test_a_yes_or_no_diet_is_unsure_of_is_no_answer():
    turn = understand(message("deny", "lalala", confidence=0.63), ALL_RED_FLAGS_NO, "fever",
                      FINDING_SLOTS)
    assert turn.updates == {"unclear_answer": "fever"}


@pytest.mark.parametrize("text", ["lalala", "asdfgh", "🙂", "hmm"])
def test_a_confident_no_without_a_word_of_no_is_no_answer(text):
    turn = understand(message("deny", text, confidence=0.98), ALL_RED_FLAGS_NO, "fever",
                      FINDING_SLOTS)
    assert turn.updates == {"unclear_answer": "fever"}


@pytest.mark.parametrize("text", ["/deny", " /deny"])
def test_the_no_button_answers(text):
    """A button's payload carries no word of no, and needs none: the client chose it."""
    turn = understand(message("deny", text), ALL_RED_FLAGS_NO, "fever", FINDING_SLOTS)
    assert turn.updates == {"fever": "no"}


@pytest.mark.parametrize("text", ["I'm clear of all that", "havent got a temprature",
                                  "I don’t", "all normal for me", "zero", "same as always"])
def test_a_no_in_other_words_still_answers(text):
    turn = understand(message("deny", text), ALL_RED_FLAGS_NO, "fever", FINDING_SLOTS)
    assert turn.updates == {"fever": "no"}


@pytest.mark.parametrize("text", ["i'm not sure if it's a cold or hayfever", "nah, not sure",
                                  "no... maybe a little", "I don’t know, possibly",
                                  "can't tell really", "no idea"])
def test_a_no_said_with_doubt_is_recorded_as_not_sure(text):
    turn = understand(message("deny", text, confidence=0.97), ALL_RED_FLAGS_NO, "fever",
                      FINDING_SLOTS)
    assert turn.updates == {"fever": "unknown"}


def test_every_no_in_the_training_data_has_a_word_of_no_and_no_doubt():
    """The guard above must not turn the ways clients say no into unclear answers."""
    import yaml

    from actions.understanding import DOUBT, SAYS_NO

    data = Path(__file__).resolve().parents[2] / "data" / "nlu"
    denials = [line.strip()[2:] for file in data.glob("*.yml")
               for block in yaml.safe_load(file.read_text())["nlu"]
               if block.get("intent") == "deny" for line in block["examples"].splitlines()]
    assert len(denials) > 100
    assert [text for text in denials if not SAYS_NO.search(text)] == []
    assert [text for text in denials if DOUBT.search(text.replace("\u2019", "'"))] == []


def test_an_explicit_no_needs_no_confidence():
    turn = understand(message("deny", "no", confidence=0.5), ALL_RED_FLAGS_NO, "fever",
                      FINDING_SLOTS)
    assert turn.updates == {"fever": "no"}


def test_a_red_flag_that_came_and_went_today_is_a_red_flag():
    entities = [finding("sudden_vision_loss", "historical"),
                {"entity": "onset", "value": "this morning", "role": "recent"}]
    turn = understand(message("deny", "no... my right eye went dark this morning, it's back now",
                              entities), {}, "red_flag_screen", FINDING_SLOTS)
    assert turn.updates["sudden_vision_loss"] == "yes"
    assert turn.updates["red_flag_screen"] == "yes"


def as_nlu_reads(text, intent="inform"):
    """The message as the NLU pipeline leaves it (DIET's intent given), findings included."""
    from clinical_nlu.pipeline import read

    entities, as_read = read(text)
    return {"intent": {"name": intent, "confidence": 1.0}, "text": text,
            "text_as_read": as_read, "entities": entities}


def answer(text, question, intent="inform", slots=None):
    from clinical_nlu.vocabulary import finding_slots

    slots = slots if slots is not None else {**ALL_RED_FLAGS_NO, "red_flag_screen": "no"}
    turn = understand(as_nlu_reads(text, intent), slots, question, finding_slots())
    return turn.updates.get(question) if turn else "digression"


@pytest.mark.parametrize("text, question, expected", [
    ("I fainted once in 2010, nothing since", "blood_pressure_or_fainting", "no"),
    ("had a pressure sore in hospital in 2022, healed completely", "pressure_sores", "no"),
    ("I fainted in 2010 and it's still happening", "blood_pressure_or_fainting", "yes"),
    ("I had a hot bath on Sunday and felt awful for an hour, but nothing like that today.",
     "heat_worsening_now", "no"),
    ("my son had 39.4 yesterday, I'm ok", "fever", "no"),
])
def test_a_topic_said_to_be_over_is_a_no_now(text, question, expected):
    assert answer(text, question) == expected


@pytest.mark.parametrize("text, question", [
    ("sometimes my chest gets tight when im anxious but not today",
     "chest_pain_or_breathlessness"),  # "not today" is no today
    ("headache yeah but not sudden its been building all day", "sudden_severe_headache"),
    ("Good heavens, no.", "stroke_signs"),
    ("Absolutely not.", "chest_pain_or_breathlessness"),
])
def test_an_urgent_sign_denied_in_so_many_words_is_no_false_alarm(text, question):
    assert answer(text, question, slots={"red_flag_screen": "unknown"}) == "no"


@pytest.mark.parametrize("text, question", [
    ("My mother faints sometimes, I don't", "blood_pressure_or_fainting"),
    ("my husbands had a cold all week but im fine", "infection_signs"),
])
def test_someone_elses_symptom_with_a_no_for_oneself_is_a_no(text, question):
    assert answer(text, question) == "no"


@pytest.mark.parametrize("text", ["i dont think so", "not that I'm aware of",
                                  "Not at the moment, no.", "probably not"])
def test_a_hedged_no_is_a_no(text):
    assert answer(text, "fever", intent="deny") == "no"


def test_a_doubt_stays_not_sure():
    assert answer("idk, maybe", "fever", intent="unsure") == "unknown"


def test_the_findings_a_question_is_about_answer_it():
    assert answer("no relpase", "recent_relapse", intent="deny") == "no"


def test_the_places_a_yes_names_answer_where():
    from clinical_nlu.vocabulary import finding_slots

    slots = {**ALL_RED_FLAGS_NO, "red_flag_screen": "no", "conditions_screen": "yes"}
    turn = understand(as_nlu_reads("yes one on my tailbone", "affirm"), slots,
                      "pressure_sores", finding_slots())
    assert turn.updates["pressure_sores"] == "yes"
    assert turn.updates["pressure_sore_areas"] == "tailbone"


@pytest.mark.parametrize("text, fever, high_fever", [
    ("YES 102", "yes", "yes"),           # 102 °F is 38.9 °C: a high fever as the spec reads it
    ("101.5 F this morning", "yes", None),
    ("39.0", "yes", "yes"),
    ("38.9 degrees", "yes", None),
    ("99 F", "no", None),
])
def test_a_temperature_is_held_against_the_thresholds_of_its_scale(text, fever, high_fever):
    from clinical_nlu.vocabulary import finding_slots

    slots = {**ALL_RED_FLAGS_NO, "red_flag_screen": "no"}
    turn = understand(as_nlu_reads(text, "affirm"), slots, "fever", finding_slots())
    assert turn.updates.get("fever") == fever
    assert turn.updates.get("high_fever_or_confusion") == high_fever


def test_a_red_flag_weeks_ago_that_went_off_is_history_not_urgent():
    text = ("I'm not sure. About three weeks ago I had a few days where my left side went all "
            "tingly and weak, but it went off on its own")
    assert answer(text, "recent_relapse", intent="unsure") == "unknown"
    from clinical_nlu.vocabulary import finding_slots

    turn = understand(as_nlu_reads(text, "unsure"), {**ALL_RED_FLAGS_NO, "red_flag_screen": "no"},
                      "recent_relapse", finding_slots())
    assert turn.updates.get("stroke_signs") != "yes"


def test_a_relapse_long_ago_and_stable_since_is_no_recent_relapse():
    assert answer("No. Last relapse is 2018. After that stable.", "recent_relapse",
                  intent="deny") == "no"


@pytest.mark.parametrize("text", ["no fever in 40 years", "not since I was 39 weeks pregnant"])
def test_a_number_that_is_no_temperature_reads_no_fever(text):
    from clinical_nlu.vocabulary import finding_slots

    turn = understand(as_nlu_reads(text, "deny"), {**ALL_RED_FLAGS_NO, "red_flag_screen": "no"},
                      "fever", finding_slots())
    assert turn.updates.get("high_fever_or_confusion") is None
    assert "temperature_c" not in turn.updates


def test_a_hedged_no_in_words_beats_diets_doubt():
    turn = understand(message("unsure", "i dont think so"), ALL_RED_FLAGS_NO, "infection_signs",
                      FINDING_SLOTS)
    assert turn.updates == {"infection_signs": "no"}


def test_doubt_in_the_words_stays_doubt_whatever_follows():
    turn = understand(message("unsure", "idk prob not"), ALL_RED_FLAGS_NO, "infection_signs",
                      FINDING_SLOTS)
    assert turn.updates == {"infection_signs": "unknown"}


def test_a_usual_runny_nose_is_no_infection():
    turn = understand(message("inform", "runny nose but thats my usual hayfever, nothing else",
                              [finding("infection", "stable")]),
                      ALL_RED_FLAGS_NO, "infection_signs", FINDING_SLOTS)
    assert turn.updates == {"infection_signs": "no"}


def test_a_relapse_dated_weeks_ago_is_no_flare_up_now():
    answers = understand_history([message("inform", "back to massage after my relapse of one "
                                          "month ago", [finding("flare_up"), {
                                              "entity": "onset", "value": "of one month ago",
                                              "role": "recent"}])],
                                 {"flare_up": "active_flare_up"})
    assert "active_flare_up" not in answers


def test_a_relapse_that_goes_on_is_a_flare_up_now():
    answers = understand_history([message("inform", "my relapse started two weeks ago and I'm "
                                          "still in it", [finding("flare_up"), {
                                              "entity": "onset", "value": "two weeks ago",
                                              "role": "recent"}])],
                                 {"flare_up": "active_flare_up"})
    assert answers["active_flare_up"] == "yes"


def test_a_past_relapse_told_in_reply_to_the_relapse_question_answers_only_that():
    turn = understand(message("inform", "yes, one month ago, my right leg was weak and tingling "
                              "for two weeks", [finding("numbness")]),
                      {**ALL_RED_FLAGS_NO, "red_flag_screen": "no", "active_flare_up": "no"},
                      "recent_relapse", FINDING_SLOTS)
    assert turn.updates == {"recent_relapse": "yes"}


def test_a_relapse_named_in_reply_to_the_first_massage_question_is_no_flare_up():
    turn = understand(message("inform", "No, I came before relapse, many times.",
                              [finding("flare_up")]),
                      {**ALL_RED_FLAGS_NO, "active_flare_up": "no"}, "first_massage",
                      {**FINDING_SLOTS, "flare_up": "active_flare_up"})
    assert turn.updates == {"first_massage": "no"}


def test_doubt_in_the_words_turns_a_stated_yes_into_not_sure():
    turn = understand(message("inform", "i think my left leg is a bit weaker but honestly i'm "
                              "not sure", [finding("fatigue")]),
                      ALL_RED_FLAGS_NO, "fatigue_today", FINDING_SLOTS)
    assert turn.updates["fatigue_today"] == "unknown"


def test_a_no_to_the_urgent_signs_beside_something_told_of_a_calf_asks_them_one_by_one():
    text = "Nothing like a stroke, no. The only odd thing is my right calf, it feels funny"
    turn = understand(message("deny", text, [{"entity": "body_part", "value": "right calf",
                                              "start": text.index("right"), "end": len(text)}]),
                      {}, "red_flag_screen", FINDING_SLOTS)
    assert turn.updates["red_flag_screen"] == "unknown"


def test_a_no_to_the_urgent_signs_then_a_breathing_trouble_we_cannot_read_asks_them_one_by_one():
    text = "No chest pain. Only breathing is strange since yesterday, before not like this."
    turn = understand(message("deny", text), {}, "red_flag_screen", FINDING_SLOTS)
    assert turn.updates["red_flag_screen"] == "unknown"


def test_a_no_to_the_urgent_signs_that_names_a_place_to_deny_it_is_a_no():
    text = "no, my face and arms are fine"
    turn = understand(message("deny", text, [{"entity": "body_part", "value": "face",
                                              "start": 7, "end": 11}]),
                      {}, "red_flag_screen", FINDING_SLOTS)
    assert turn.updates["red_flag_screen"] == "no"


def test_nothing_else_on_the_list_denies_the_urgent_signs_wherever_it_is_said():
    text = ("I use a wheelchair and have done for years. No new weakness, and nothing else on "
            "that list.")
    turn = understand(message("inform", text, [finding("weakness", "negated")]), {},
                      "red_flag_screen", {**FINDING_SLOTS, "weakness": "new_or_worsening_symptoms"})
    assert turn.updates["red_flag_screen"] == "no"


def test_a_topic_said_to_be_healed_is_a_no_now_without_a_finding():
    turn = understand(message("inform", "Had one in hospital in 2022, healed completely."),
                      ALL_RED_FLAGS_NO, "pressure_sores", FINDING_SLOTS)
    assert turn.updates == {"pressure_sores": "no"}


def test_a_degree_word_inside_a_stable_finding_is_no_yes():
    turn = understand(message("inform", "I always have a bit of a cough, I'm a smoker, nothing "
                              "different", [finding("infection", "stable")]),
                      ALL_RED_FLAGS_NO, "infection_signs", FINDING_SLOTS)
    assert turn.updates == {"infection_signs": "no"}


def test_an_old_numbness_beside_a_new_burning_does_not_say_the_feeling_is_old():
    turn = understand(message("inform", "erm its always been a bit numb but the burning started "
                              "monday", [finding("numbness", "stable"), finding("burning")]),
                      {**ALL_RED_FLAGS_NO, "sensory_change": "yes"}, "sensory_change_is_new",
                      {**FINDING_SLOTS, "burning": "sensory_change"})
    assert turn.updates.get("sensory_change_is_new") != "no"


def test_a_clearance_the_client_cannot_remember_is_not_sure():
    turn = understand(message("inform", "I think the GP said it was fine? Or was it the physio... "
                              "I honestly can't remember if anyone said massage specifically"),
                      {**ALL_RED_FLAGS_NO, "recent_relapse": "yes"}, "relapse_cleared",
                      FINDING_SLOTS)
    assert turn.updates["relapse_cleared"] == "unknown"


@pytest.mark.parametrize("text", ["Yes, suddenly last night around 10 pm, the lower half of my "
                                  "left eye is dark.",
                                  "Yes, left eye, half the vision gone since last night."])
def test_a_yes_to_an_urgent_sign_that_began_last_night_is_a_yes(text):
    turn = understand(message("affirm", text, [{"entity": "body_part", "value": "left eye",
                                                "start": text.index("left"), "end": len(text)}]),
                      {"red_flag_screen": "unknown"}, "sudden_vision_loss", FINDING_SLOTS)
    assert turn.updates["sudden_vision_loss"] == "yes"


def test_a_sore_nearly_healed_is_still_there():
    turn = understand(message("inform", "a little one on my bum, nearly healed, nothing major"),
                      ALL_RED_FLAGS_NO, "pressure_sores", FINDING_SLOTS)
    assert turn.updates.get("pressure_sores") != "no"


def test_a_new_tingling_beside_the_usual_numbness_is_new_whatever_the_words_say():
    text = "just the usual numb feet... oh and my hand went tingly yesterday for the first time"
    turn = understand(message("inform", text, [
        finding("numbness", "stable"), finding("tingling"),
        {"entity": "onset", "value": "yesterday", "role": "recent"}]),
        ALL_RED_FLAGS_NO, "sensory_change", {**FINDING_SLOTS, "tingling": "sensory_change"})
    assert turn.updates["sensory_change_is_new"] == "yes"


def test_nothing_else_on_the_list_beside_a_breathing_trouble_we_cannot_read_is_no_clear_no():
    text = "Only breathing is strange since yesterday. Nothing else on that list."
    turn = understand(message("deny", text), {}, "red_flag_screen", FINDING_SLOTS)
    assert turn.updates["red_flag_screen"] == "unknown"


RED_FLAGS_ASKED_ONE_BY_ONE = {"red_flag_screen": "unknown"}


@pytest.mark.parametrize("text, question", [
    ("My dad's face drooped this morning, he's in hospital. I'm fine myself.", "stroke_signs"),
    ("my brother had a clot in his leg last year, mine are ok", "clot_signs"),
    ("My wife had a TIA in May. I myself have no such symptoms.", "stroke_signs"),
    ("my son can't stand the heat, im fine with it", "heat_worsening_now"),
])
def test_someone_elses_sign_beside_a_no_for_oneself_is_a_no(text, question):
    assert answer(text, question, slots=RED_FLAGS_ASKED_ONE_BY_ONE) == "no"


@pytest.mark.parametrize("text, question", [
    ("wobbly on my feet but that's normal for me", "cannot_walk_or_stand_safely"),
    ("I get out of breath on stairs, been the same for years", "chest_pain_or_breathlessness"),
])
def test_an_urgent_sign_told_only_as_the_clients_usual_is_a_no(text, question):
    assert answer(text, question, slots=RED_FLAGS_ASKED_ONE_BY_ONE) == "no"


def test_the_usual_form_of_an_urgent_sign_that_began_today_is_no_no():
    assert answer("wobbly as always, but today my legs gave way twice",
                  "cannot_walk_or_stand_safely", slots=RED_FLAGS_ASKED_ONE_BY_ONE) == "yes"


def test_a_long_standing_condition_still_applies():
    assert answer("wobbly on my feet but that's normal for me", "balance_problems") == "yes"


def test_an_urgent_sign_is_not_answered_in_passing_by_a_long_standing_phrase():
    from clinical_nlu.vocabulary import finding_slots

    turn = understand(as_nlu_reads("my legs have been weak for years"),
                      RED_FLAGS_ASKED_ONE_BY_ONE,
                      "cannot_walk_or_stand_safely", finding_slots())
    assert "sudden_vision_loss" not in turn.updates


@pytest.mark.parametrize("text", ["first time back since my relapse, all good now",
                                  "I come back after my relapse, doctor say ok"])
def test_a_relapse_time_is_counted_from_is_no_flare_up_now(text):
    from clinical_nlu.vocabulary import finding_slots

    assert understand_history([as_nlu_reads(text)], finding_slots()).get(
        "active_flare_up") != "yes"


def test_tiredness_as_when_something_happens_is_no_tiredness_today():
    assert answer("my eyes go double when I'm exhausted, since 2016",
                  "fatigue_today") is None


@pytest.mark.parametrize("text, question, expected", [
    ("know", "first_massage", "no"),
    ("No. Nothing's new. Nothing's changed.", "new_or_worsening_symptoms", "no"),
    ("no new ones, but the old ones are worse since the heat came", "new_or_worsening_symptoms",
     "yes"),
    ("I had a facial once, does that count?", "first_massage", "unknown"),
    ("not great to be honest, I'll manage", "balance_problems", "yes"),
    ("I can't get up without falling over since yesterday", "balance_problems", "yes"),
])
def test_replies_in_clients_words(text, question, expected):
    assert answer(text, question) == expected


@pytest.mark.parametrize("text, expected", [
    ("I did ask, she said she'd get back to me", "no"),
    ("I think so, I mentioned it to the GP ages ago", None),  # asked again
    ("kinda", None),
    ("yes he did", "yes"),
    ("she has not said", "no"),
])
def test_a_doctors_word_is_a_yes_only_in_so_many_words(text, expected):
    assert answer(text, "relapse_cleared", slots={"recent_relapse": "yes"}) == expected


def test_a_follow_up_answered_stays_answered_by_words_in_passing():
    from clinical_nlu.vocabulary import finding_slots

    slots = {**ALL_RED_FLAGS_NO, "red_flag_screen": "no", "sensory_change": "yes",
             "sensory_change_is_new": "no"}
    turn = understand(as_nlu_reads("No, I am sensitive to heat in general, but nothing is "
                                   "worse today.", "deny"), slots, "heat_worsening_now",
                      finding_slots())
    assert turn.updates["heat_worsening_now"] == "no"
    assert "sensory_change_is_new" not in turn.updates


@pytest.mark.parametrize("text, question, expected", [
    ("one calf is bigger than the other, it has been like that since 2017", "clot_signs", "no"),
    ("i get double vision when i'm exhausted, since long time", "sudden_vision_loss", "no"),
    ("my left calf is swollen, it's been like that since yesterday", "clot_signs", "yes"),
    # the time is the wheelchair's, not the calf's
    ("my calf is swollen and I've been in a wheelchair since 2019", "clot_signs", "yes"),
])
def test_an_urgent_sign_told_with_a_long_standing_time_is_the_clients_old_one(
        text, question, expected):
    assert answer(text, question, slots={"red_flag_screen": "unknown"}) == expected


@pytest.mark.parametrize("text, question, slots, expected", [
    ("had one last month, gone now", "fever", None, "no"),
    ("had a DVT in 2016, all resolved", "known_dvt", None, "no"),
    ("I had flu in October, tested negative since", "infection_signs", None, "no"),
    ("had chest pain last year, it was reflux, nothing now", "red_flag_screen", {}, "no"),
    ("had a clot years ago, not sure if it has all gone", "known_dvt", None, "unknown"),
    # what stays with the client once told
    ("a stent in 2019 but I'm fine now", "heart_or_circulation_problem", None, "yes"),
])
def test_a_topic_told_as_had_and_over_is_a_no_now(text, question, slots, expected):
    assert answer(text, question, slots=slots) == expected


@pytest.mark.parametrize("text, expected", [
    ("my last relapse was six years ago", "no"),
    ("one two years ago and one three weeks ago", None),
    ("my brother is having a relapse right now, I'm fine", "no"),
])
def test_when_the_relapse_was_answers_the_recent_relapse_question(text, expected):
    assert answer(text, "recent_relapse") == expected


@pytest.mark.parametrize("text, expected", [
    ("had a hot bath and now my legs are like jelly", "yes"),
    ("the heating is always up high, I'm used to it, no difference", "no"),
])
def test_heat_and_what_it_does_now_answer_the_heat_question(text, expected):
    assert answer(text, "heat_worsening_now") == expected


@pytest.mark.parametrize("text, question, expected", [
    ("My eyesight is fine thanks", "sudden_vision_loss", "no"),
    ("I just need new reading glasses", "sudden_vision_loss", None),  # asked again
])
def test_diets_yes_alone_never_calls_for_urgent_care(text, question, expected):
    assert answer(text, question, intent="affirm",
                  slots={"red_flag_screen": "unknown"}) == expected


def test_no_more_than_usual_is_the_clients_usual_feeling():
    from clinical_nlu.vocabulary import finding_slots

    turn = understand(as_nlu_reads("not more than my usual MS fatigue", "deny"),
                      {**ALL_RED_FLAGS_NO, "red_flag_screen": "no"}, "fatigue_today",
                      finding_slots())
    assert (turn.updates["fatigue_today"], turn.updates["fatigue_unusual"]) == ("yes", "no")
    assert answer("no more than usual", "sensory_change", intent="deny") == "yes"


@pytest.mark.parametrize("text, question", [
    ("went all grey and had to sit down in the kitchen this morning",
     "blood_pressure_or_fainting"),
    ("there's a red patch on my heel that won't heal", "pressure_sores"),
    ("a clot in my lung in August, still on blood thinners", "known_dvt"),
])
def test_a_condition_told_in_the_clients_words_is_a_yes(text, question):
    assert answer(text, question) == "yes"


def test_old_numb_feet_beside_a_new_tingling_is_new():
    assert answer("I've had numb feet a long time but this tingling in my fingers is new",
                  "sensory_change_is_new", slots={"sensory_change": "yes"}) == "yes"


@pytest.mark.parametrize("text, question", [
    ("My uncle has a pacemaker but I'm fine", "heart_or_circulation_problem"),
    ("my daughter had a relapse three weeks ago, I've been stable", "recent_relapse"),
    ("my sister's the one who can't handle heat, I'm the opposite", "heat_worsening_now"),
])
def test_someone_elses_condition_in_the_questions_words_is_a_no_for_the_client(text, question):
    assert answer(text, question) == "no"


@pytest.mark.parametrize("text, expected", [
    ("a bit more wobbly maybe, nothing dramatic", "yes"),
    ("my legs are weaker this week", "yes"),
    ("weaker than usual? no, same as always", "no"),
])
def test_more_of_a_symptom_is_a_worse_one(text, expected):
    assert answer(text, "new_or_worsening_symptoms") == expected


def test_a_carer_typing_for_the_client_tells_of_the_client():
    assert answer("I'm her carer, she's got a temp of 39.6 and she's a bit confused today",
                  "high_fever_or_confusion", slots={"red_flag_screen": "unknown"}) == "yes"
    assert answer("she is very tired today, I'm her husband", "fatigue_today") == "yes"


def test_someone_elses_sign_beside_the_clients_no_is_a_no_to_the_red_flag():
    assert answer("my son has a lazy eye, does that count? me, no problems",
                  "sudden_vision_loss", slots={"red_flag_screen": "unknown"}) == "no"


def test_them_told_as_settled_is_a_no_now():
    assert answer("had them bad last year but they settled right down", "spasticity") == "no"


def test_a_doctors_word_told_in_passing_is_asked_for_all_the_same():
    from clinical_nlu.vocabulary import finding_slots

    opening = as_nlu_reads("Hi. I had a stent fitted in 2021, my cardiologist said walking "
                           "was fine, not sure about massage.")
    said = understand_history([opening], finding_slots())
    assert said["heart_or_circulation_problem"] == "yes"
    assert "heart_cleared" not in said


def test_never_had_one_beside_a_relative_is_a_first_massage():
    assert answer("Never had one in my life, my son talked me into it", "first_massage") == "yes"
