"""Clinical language understanding for the MS pre-massage screening assistant.

`extract_findings(text)` needs only spaCy; the Rasa components (`ClinicalFindingExtractor`,
`SymptomStatementResolver`) are imported on first use, so the evaluation scripts run without
Rasa installed.
"""

from typing import Any

from clinical_nlu.pipeline import extract_findings

__all__ = ["ClinicalFindingExtractor", "SymptomStatementResolver", "extract_findings"]


def __getattr__(name: str) -> Any:
    if name == "ClinicalFindingExtractor":
        from clinical_nlu.component import ClinicalFindingExtractor

        return ClinicalFindingExtractor
    if name == "SymptomStatementResolver":
        from clinical_nlu.statement import SymptomStatementResolver

        return SymptomStatementResolver
    raise AttributeError(f"module 'clinical_nlu' has no attribute {name!r}")
