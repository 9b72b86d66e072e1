"""The vocabulary file: versioned, matches the finding/slot contract, and well formed."""

import re
from pathlib import Path

import pytest
import yaml

from clinical_nlu import vocabulary

ROOT = Path(__file__).resolve().parents[2]


def contract_slots():
    """Finding id -> slot from the table in docs/contracts.md, section 2."""
    table = ROOT.joinpath("docs", "contracts.md").read_text().split("### Finding ids")[1]
    slots = {}
    for ids, slot in re.findall(r"^\| (`[^|]+`) \| `(\w+)` \|$", table, re.MULTILINE):
        for fid in re.findall(r"`(\w+)`", ids):
            slots[fid] = slot
    return slots


def test_findings_and_slots_match_the_contract():
    assert vocabulary.finding_slots() == contract_slots()


def test_load_returns_a_versioned_copy():
    vocab = vocabulary.load()
    assert re.fullmatch(r"\d+\.\d+\.\d+", vocab["version"])
    vocab["findings"].clear()
    assert vocabulary.load()["findings"]


def test_the_changelog_names_the_current_version():
    changelog = ROOT.joinpath("clinical_nlu", "CHANGELOG.md").read_text()
    assert f"## {vocabulary.load()['version']}" in changelog


def test_no_term_names_two_findings():
    seen = {}
    for fid, spec in vocabulary.load()["findings"].items():
        for term in spec["terms"] + spec.get("sudden_terms", []):
            assert seen.setdefault(term.lower(), fid) == fid, (
                f"{term!r} is in {seen[term.lower()]} and {fid}"
            )


def test_a_bare_yes_or_no_is_caught(tmp_path):
    data = yaml.safe_load(vocabulary.DEFAULT_PATH.read_text())
    data["context"]["categories"]["negated"]["forward"].append(False)  # what `- no` parses to
    path = tmp_path / "vocabulary.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(vocabulary.VocabularyError, match="boolean"):
        vocabulary.load(path)


def test_a_finding_without_slot_is_caught(tmp_path):
    data = yaml.safe_load(vocabulary.DEFAULT_PATH.read_text())
    del data["findings"]["fever"]["slot"]
    path = tmp_path / "vocabulary.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(vocabulary.VocabularyError, match="slot"):
        vocabulary.load(path)
