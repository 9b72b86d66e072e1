"""Load and check the clinical vocabulary (`vocabulary.yml`).

The vocabulary is data a clinician edits; this module only parses it and fails loudly on a
malformed file, so a typo in the YAML shows up when the assistant starts, not as a silently
missing finding.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("vocabulary.yml")

CONTEXTS = ("present", "negated", "historical", "other_person", "hypothetical", "stable")
# A fever not the client's now ("my daughter has 39.5", "39 at the weekend, gone now"): its
# temperature reading is no reading of the client's.
NOT_NOW = frozenset({"historical", "other_person", "hypothetical"})
FEVERS = frozenset({"fever", "high_fever"})  # the findings a reading belongs to
# The key, in a message's parse data, naming the vocabulary version that read it (the Rasa
# component sets it; the advice payload reports it next to the rules' version).
VERSION_KEY = "vocabulary_version"


class VocabularyError(ValueError):
    """The vocabulary file is malformed."""


def load(path: str | Path | None = None) -> dict[str, Any]:
    """Return the parsed vocabulary (a fresh copy of the cached parse)."""
    return copy.deepcopy(_load_cached(str(path or DEFAULT_PATH)))


def cached(path: str | Path | None = None) -> dict[str, Any]:
    """The shared parse, for the pipeline components (read only: never mutate it)."""
    return _load_cached(str(path or DEFAULT_PATH))


def finding_slots(path: str | Path | None = None) -> dict[str, str]:
    """Map each finding id to the intake slot it answers (used by the form validation glue)."""
    return {fid: spec["slot"] for fid, spec in cached(path)["findings"].items()}


@lru_cache(maxsize=8)
def _load_cached(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    _check(data, path)
    return data


def _check(data: Any, path: str) -> None:
    _check_no_booleans(data, path, "vocabulary")
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise VocabularyError(f"{path}: needs a top-level `version:` string")
    findings = data.get("findings")
    if not isinstance(findings, dict) or not findings:
        raise VocabularyError(f"{path}: needs a `findings:` mapping")
    for fid, spec in findings.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("slot"), str):
            raise VocabularyError(f"{path}: finding {fid!r} needs a `slot:`")
        _check_strings(spec.get("terms"), f"{fid}.terms", path)
        if "sudden_terms" in spec:
            _check_strings(spec["sudden_terms"], f"{fid}.sudden_terms", path)
        for key in ("near", "near_within_hours"):
            for pair in spec.get(key, []):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise VocabularyError(f"{path}: {fid}.{key} holds pairs of word groups")
                for group in pair:
                    _check_strings(group, f"{fid}.{key}", path)
        if "if_sudden" in spec and spec["if_sudden"] not in findings:
            raise VocabularyError(f"{path}: {fid}.if_sudden names an unknown finding")
    _check_strings(data["onset"].get("within_hours"), "onset.within_hours", path)
    _check_strings(data.get("interjections"), "interjections", path)
    for kind, readings in data.get("answers", {}).items():
        for answer in ("yes", "no", "unsure"):
            _check_strings(readings.get(answer), f"answers.{kind}.{answer}", path)
    categories = data["context"]["categories"]
    unknown = set(data["context"]["priority"]) ^ set(categories)
    if unknown or not set(categories) <= set(CONTEXTS):
        raise VocabularyError(f"{path}: context priority and categories disagree: {unknown}")
    for name, cat in categories.items():
        for direction in ("forward", "backward", "both"):
            if direction in cat:
                _check_strings(cat[direction], f"context.{name}.{direction}", path)


def _check_no_booleans(node: Any, path: str, where: str) -> None:
    # YAML reads a bare `no`, `yes`, `on` or `off` as a boolean; the vocabulary has no booleans.
    if isinstance(node, bool):
        raise VocabularyError(f"{path}: {where} holds a boolean (quote yes/no/on/off)")
    if isinstance(node, dict):
        for key, value in node.items():
            _check_no_booleans(key, path, where)
            _check_no_booleans(value, path, f"{where}.{key}")
    elif isinstance(node, list):
        for value in node:
            _check_no_booleans(value, path, where)


def _check_strings(values: Any, where: str, path: str) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise VocabularyError(f"{path}: {where} must be a list of non-empty strings")
