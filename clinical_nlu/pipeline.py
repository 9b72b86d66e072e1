"""Build the spaCy pipeline from the project's own files and turn a message into entities.

No trained model and no download: spacy.blank("en") plus the registered components below, the
lookup tables of spacy-lookups-data and vocabulary.yml. Building takes well under a second; do it
once and reuse the pipeline for every message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline.sentencizer import Sentencizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

# Importing the modules registers their factories with spaCy.
from clinical_nlu import context, matchers, normalizer  # noqa: F401
from clinical_nlu.text import clean, original_span

PIPES = (
    "clinical_normalizer",
    "sentencizer",
    "clinical_onsets",
    "clinical_temperatures",
    "clinical_body_parts",
    "clinical_findings",
    "clinical_context",
)

# Clients glue words with punctuation: "fever?nope", "pins&needles", "and/or".
EXTRA_INFIXES = [r"(?<=[A-Za-z])[?!&/+;=](?=[A-Za-z])"]
# Clients rarely punctuate, so a line break ends a sentence too (text.clean leaves one "\n").
SENTENCE_ENDS = Sentencizer.default_punct_chars + ["\n"]


def build(vocabulary: str | None = None) -> Language:
    """A new pipeline; `vocabulary` is a path to a vocabulary file (default: the packaged one)."""
    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        list(nlp.Defaults.infixes) + EXTRA_INFIXES
    ).finditer
    for name in PIPES:
        config = (
            {"punct_chars": SENTENCE_ENDS} if name == "sentencizer" else {"vocabulary": vocabulary}
        )
        nlp.add_pipe(name, config=config)
    return nlp


@lru_cache(maxsize=4)
def shared(vocabulary: str | None = None) -> Language:
    """One pipeline per vocabulary for the whole process."""
    return build(vocabulary)


def extract_findings(text: str, nlp: Language | None = None) -> list[dict[str, Any]]:
    """The entities of one message, as the Rasa component adds them (without `extractor`)."""
    return read(text, nlp)[0]


def read(text: str, nlp: Language | None = None) -> tuple[list[dict[str, Any]], str]:
    """The entities of one message and its words as read (misspellings repaired)."""
    cleaned, offsets = clean(text)
    doc = (nlp or shared())(cleaned)
    return doc_entities(doc, offsets), doc._.as_read


def doc_entities(doc: Doc, offsets: list[int]) -> list[dict[str, Any]]:
    """Entities of a processed doc; `offsets` maps the doc's characters back to the message."""
    entities = []
    for span in doc.spans.get("findings", []):
        entities.append(_entity(span, offsets, "finding", span.label_, span._.clinical_context))
    for span in doc.spans.get("body_parts", []):
        entities.append(_entity(span, offsets, "body_part", span.label_))
    for span in doc.spans.get("onsets", []):
        entities.append(
            _entity(span, offsets, "onset", " ".join(span.text.lower().split()), span.label_)
        )
    for span in doc.spans.get("temperatures", []):
        entities.append(
            _entity(span, offsets, "temperature", span._.clinical_temperature, span.label_)
        )
    return sorted(entities, key=lambda e: (e["start"], e["entity"]))


def _entity(
    span, offsets: list[int], entity: str, value: Any, role: str | None = None
) -> dict[str, Any]:
    start, end = original_span(offsets, span.start_char, span.end_char)
    found = {"entity": entity, "value": value, "start": start, "end": end}
    if role is not None:
        found["role"] = role
    return found
