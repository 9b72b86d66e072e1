"""The action server's code loads without the NLU stack: the rules, the questions and the
vocabulary are plain data and Python (clinical_nlu's package face is lazy)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("spacy", "tensorflow", "thinc", "rasa")


def test_the_action_servers_modules_import_no_spacy_tensorflow_or_rasa():
    code = ("import sys, actions.advice, actions.digressions, actions.intake_form, "
            "actions.understanding, rasa_sdk_plugins, precheck.action_guard; "
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_the_rules_engine_imports_only_the_protocol():
    code = ("import sys, protocol; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rasa', 'rasa_sdk', "
            "'spacy', 'sanic', 'clinical_nlu', 'actions', 'precheck'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr[-2000:]
