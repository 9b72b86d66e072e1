"""Scores the trained model's understanding on a labelled set, through the same NLU
pipeline the server runs: intents (DIET) and clinical findings with their context
(clinical_nlu). Run: `.venv/bin/python -m scripts.evaluate_nlu [set.yml] [--json out]`.

Intent labels of the set are the clinic's; `restart` is this assistant's `start_over`.
A "dangerous" confusion is a yes or a not-sure read as a no: it could under-triage.
Two counts: DIET's intents alone (`intent_dangerous_confusions`), and what the intake
records once the dialogue's own checks ran (actions.understanding.yes_no_answer: a no
must be said, without doubt): `dangerous_confusions`, which must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import yaml

from actions.understanding import yes_no_answer
from clinical_nlu.evaluate import load_set, report, score
from protocol.questions import NO

ROOT = Path(__file__).resolve().parent.parent



HELDOUT = ROOT / "tests" / "clinical_nlu" / "heldout.yml"
INTENT_NAMES = {"restart": "start_over"}
# The gold intents that must never be taken for a no.
NOT_A_NO = {"affirm", "unsure"}


def parse_all(model: Path, texts: list[str]) -> dict[str, dict]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise every parse is printed
    agent = Agent.load(str(model))

    async def parse() -> dict[str, dict]:
        return {text: await agent.parse_message(text) for text in texts}

    return asyncio.run(parse())


def normalised(text: str) -> str:
    return text.lower().strip(" .!?")


def training_texts() -> set[str]:
    texts = set()
    for file in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(file.read_text())["nlu"]:
            texts.update(normalised(line.strip()[2:]) for line in block["examples"].splitlines())
    return texts


def intent_scores(items: list[dict], parsed: dict[str, dict]) -> dict:
    """Accuracy over the whole set, and over the utterances not also in the training data
    (short answers such as "yes" are in both; the second number is the fairer one)."""
    seen = training_texts()
    confusions: Counter = Counter()
    errors = []
    recorded_no = []
    correct = {True: 0, False: 0}
    count = {True: 0, False: 0}
    for item in items:
        gold = INTENT_NAMES.get(item["intent"], item["intent"])
        guess = parsed[item["text"]]["intent"]["name"]
        unseen = normalised(item["text"]) not in seen
        count[unseen] += 1
        correct[unseen] += gold == guess
        if gold in NOT_A_NO and yes_no_answer(parsed[item["text"]]) == NO:
            recorded_no.append(f"{gold} recorded as no: {item['text']}")
        if gold != guess:
            confusions[(gold, guess)] += 1
            errors.append(f"{gold} -> {guess}: {item['text']}")
    dangerous = sum(n for (gold, guess), n in confusions.items()
                    if gold in NOT_A_NO and guess == "deny")
    return {
        "intent_accuracy": round(sum(correct.values()) / len(items), 4),
        "intent_accuracy_unseen": round(correct[True] / max(count[True], 1), 4),
        "utterances": len(items),
        "unseen_utterances": count[True],
        "intent_dangerous_confusions": dangerous,
        "dangerous_confusions": len(recorded_no),
        "top_confusions": [f"{g} -> {p}: {n}" for (g, p), n in confusions.most_common(8)],
        "errors": recorded_no + errors,
    }


def evaluate(model: Path, path: Path = HELDOUT) -> dict:
    items = load_set(str(path))
    parsed = parse_all(model, [item["text"] for item in items])
    findings = score(items, lambda text: parsed[text]["entities"])
    return {"intents": intent_scores(items, parsed), "findings": findings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", nargs="?", default=str(HELDOUT))
    parser.add_argument("--json", help="also write the full result here")
    parser.add_argument("--show-errors", action="store_true",
                        help="list each misread utterance (use on the dev set, not the held-out "
                             "set, which must stay unseen while tuning)")
    args = parser.parse_args()
    model = next((ROOT / "models").glob("precheck-*.tar.gz"), None)
    if model is None:
        sys.exit("no trained model: run `make model` first")
    result = evaluate(model, Path(args.set))
    summary = {key: value for key, value in result["intents"].items() if key != "errors"}
    print(json.dumps(summary, indent=2))
    if args.show_errors:
        print("\n".join(result["intents"]["errors"]))
    print(report(Path(args.set).name, result["findings"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
