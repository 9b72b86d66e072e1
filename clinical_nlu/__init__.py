"""Clinical language understanding for the MS pre-massage check: a spaCy pipeline (no
trained model, no download) that finds symptoms, body parts, onsets, temperatures and the
context of each finding, configured by vocabulary.yml.

The package face is lazy: `clinical_nlu.vocabulary` (the vocabulary as data) needs neither
spaCy nor Rasa, so the action server can read which slot each finding answers without
loading either. `extract_findings(text)` builds the pipeline on first use. The Rasa
components that run it are in precheck/nlu/.
"""

from typing import Any

__all__ = ["extract_findings"]


def __getattr__(name: str) -> Any:
    if name == "extract_findings":
        from clinical_nlu.pipeline import extract_findings

        return extract_findings
    raise AttributeError(f"module 'clinical_nlu' has no attribute {name!r}")
