"""Clinical language understanding for the MS pre-massage screening assistant.

`extract_findings(text)` needs only spaCy; `ClinicalFindingExtractor` (the Rasa component) is
imported on first use, so the evaluation scripts run without Rasa installed.
"""

from typing import Any

from clinical_nlu.pipeline import extract_findings

__all__ = ["ClinicalFindingExtractor", "extract_findings"]


def __getattr__(name: str) -> Any:
    if name == "ClinicalFindingExtractor":
        from clinical_nlu.component import ClinicalFindingExtractor

        return ClinicalFindingExtractor
    raise AttributeError(f"module 'clinical_nlu' has no attribute {name!r}")
