"""The project as a whole: valid training data, clean code, dialogue flows that hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")


def test_training_data_is_valid_with_no_warnings(rasa_env):
    result = subprocess.run([RASA, "data", "validate", "--domain", "domain", "--fail-on-warnings"],
                            cwd=ROOT, env=rasa_env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    rasa_warnings = [line for line in output.splitlines() if "UserWarning" in line
                     and not any(f"The utterance '{name}' is not used" in line
                                 for name in SENT_BY_CODE)]
    assert rasa_warnings == []


# Responses that code sends, never a rule, so Rasa's validator, which reads only stories and
# rules, finds them unused: utter_default by the FailSafePolicy (and Rasa's
# action_default_fallback), the welcome and "shall we start?" again by actions/consent.py.
SENT_BY_CODE = ("utter_default", "utter_welcome", "utter_consent_unsure")


def test_code_is_lint_clean():
    result = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dialogue_flows_in_test_stories(trained_model, rasa_env, tmp_path):
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(trained_model), "--stories", "tests/stories",
         "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=ROOT, env=rasa_env, capture_output=True, text=True,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:] + details
