"""A frozen blind bank: the single replies and the personas a helper wrote from the clinical
rule table alone (banks/SPEC.md), never from this project's code, vocabulary, training data
or tests.

A bank is frozen once written: MANIFEST.sha256 holds its files' hashes and loading refuses a
bank whose files changed. Each item falls in the `tune` part (about a third, chosen by a hash
of its id) or the `heldout` part; only the tune part's failures may be read while improving
the assistant, and the held-out figures are the ones reported. A bank written after the
tuning, by fresh helpers, is reported whole (`--part all`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BANKS = Path(__file__).with_name("banks")
TUNE_SHARE = 3  # one item in TUNE_SHARE is in the tune part

# The bank's topics (SPEC.md) and the check's answer each one is about.
TOPIC_ANSWERS = {
    "red_flags": "red_flag_screen", "R1": "stroke_signs", "R2": "chest_pain_or_breathlessness",
    "R3": "clot_signs", "R4": "sudden_vision_loss", "R5": "high_fever_or_confusion",
    "R6": "sudden_severe_headache", "R7": "cannot_walk_or_stand_safely",
    "flare_up_now": "active_flare_up", "recent_relapse": "recent_relapse",
    "relapse_cleared": "relapse_cleared", "new_symptoms": "new_or_worsening_symptoms",
    "sensory": "sensory_change", "sensory_new": "sensory_change_is_new",
    "sensory_where": "sensory_areas", "fever": "fever", "infection": "infection_signs",
    "tired_today": "fatigue_today", "tired_unusual": "fatigue_unusual",
    "heat_now": "heat_worsening_now", "bp_fainting": "blood_pressure_or_fainting",
    "conditions": "conditions_screen", "dvt": "known_dvt",
    "heart": "heart_or_circulation_problem", "heart_cleared": "heart_cleared",
    "osteoporosis": "osteoporosis", "pressure_sores": "pressure_sores",
    "sores_where": "pressure_sore_areas", "balance": "balance_problems",
    "spasms": "spasticity", "nerve_pain": "nerve_pain", "first_massage": "first_massage",
}
TOPICS = {"consent", *TOPIC_ANSWERS}
READINGS = {"yes": "yes", "no": "no", "unsure": "unknown"}


class BankChanged(RuntimeError):
    """A frozen bank's files differ from its manifest."""


@dataclass(frozen=True)
class Bank:
    name: str
    replies: list[dict[str, Any]]
    personas: list[dict[str, Any]]

    def part(self, which: str) -> Bank:
        """`tune`, `heldout` or `all`."""
        if which == "all":
            return self
        keep = (lambda item: in_tune(item["id"])) if which == "tune" else (
            lambda item: not in_tune(item["id"]))
        return Bank(self.name, [r for r in self.replies if keep(r)],
                    [p for p in self.personas if keep(p)])


def in_tune(item_id: str) -> bool:
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % TUNE_SHARE == 0


def names() -> list[str]:
    return sorted(p.name for p in BANKS.iterdir() if (p / "MANIFEST.sha256").exists())


def load(name: str) -> Bank:
    folder = BANKS / name
    check_frozen(folder)
    replies, personas = [], []
    for path in sorted(folder.glob("replies-*.jsonl")):
        replies += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
    for path in sorted(folder.glob("personas-*.json")):
        personas += json.loads(path.read_text(encoding="utf-8"))
    return Bank(name, replies, personas)


def check_frozen(folder: Path) -> None:
    listed = {}
    for line in (folder / "MANIFEST.sha256").read_text().splitlines():
        digest, file_name = line.split(maxsplit=1)
        listed[file_name] = digest
    present = {p.name for p in folder.iterdir() if p.name != "MANIFEST.sha256"}
    if present != set(listed):
        raise BankChanged(f"{folder.name}: files {sorted(present ^ set(listed))} differ "
                          "from MANIFEST.sha256")
    for file_name, digest in listed.items():
        if hashlib.sha256((folder / file_name).read_bytes()).hexdigest() != digest:
            raise BankChanged(f"{folder.name}/{file_name} was edited after it was frozen")
