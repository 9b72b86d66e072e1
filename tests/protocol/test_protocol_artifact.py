"""The protocol is one artifact: the review sheet and the form are written from its data and
never stale, and the rule table cannot change without a new version and a dated changelog
entry that names the rules and carries the table's fingerprint."""

import dataclasses
import re
from datetime import date

import pytest

from protocol import RULES, RULES_VERSION, review, rules
from scripts import generate

RULE_ID = re.compile(r"\b[RPSG]\d{1,2}\b")


def test_the_generated_files_are_up_to_date():
    assert generate.stale() == [], "run `python -m scripts.generate` and commit the result"


def test_the_newest_changelog_entry_is_this_rule_version_dated_and_fingerprinted():
    newest = review.changelog_entries()[0]
    assert newest["version"] == RULES_VERSION, (
        f"rules.py says {RULES_VERSION}, the newest CHANGELOG.md entry {newest['version']}")
    assert date.fromisoformat(newest["date"]) <= date.today()
    fingerprint = review.FINGERPRINT.search(newest["text"])
    assert fingerprint, "the newest CHANGELOG.md entry has no `Table fingerprint: ...`"
    assert fingerprint["fingerprint"] == review.table_fingerprint(), (
        "the rule table changed: raise RULES_VERSION in protocol/rules.py and add a dated "
        "CHANGELOG.md entry naming the rule ids, ending with "
        f"`Table fingerprint: `{review.table_fingerprint()}``")


def test_every_changelog_entry_names_rules_of_the_table_and_versions_only_rise():
    known = {rule.rule_id for rule in RULES}
    entries = review.changelog_entries()
    for entry in entries:
        named = set(RULE_ID.findall(entry["text"]))
        assert named and named <= known, (entry["version"], named - known)
    versions = [tuple(map(int, e["version"].split("."))) for e in entries]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    dates = [e["date"] for e in entries]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("change", [
    lambda rule: dataclasses.replace(rule, client_text=rule.client_text + " Rest well."),
    lambda rule: dataclasses.replace(rule, level=rules.Level.SHORTEN),
    lambda rule: dataclasses.replace(rule, condition=rules.reported("fever")),
    lambda rule: dataclasses.replace(rule, source="seed 009"),
])
def test_any_change_of_a_rule_changes_the_fingerprint(monkeypatch, change):
    before = review.table_fingerprint()
    monkeypatch.setattr(review, "RULES", (*RULES[:9], change(RULES[9]), *RULES[10:]))
    assert review.table_fingerprint() != before


def test_a_threshold_change_changes_the_fingerprint(monkeypatch):
    before = review.table_fingerprint()
    monkeypatch.setattr(review.thresholds, "HIGH_FEVER_C", 38.9)
    assert review.table_fingerprint() != before


def test_the_review_sheet_shows_every_rule_and_question():
    sheet = review.sheet()
    for rule in RULES:
        assert f"\n| {rule.rule_id} | " in sheet
    for name in review.QUESTIONS:
        assert f"`{name}`" in sheet
