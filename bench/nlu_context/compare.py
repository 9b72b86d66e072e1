"""Compare context detectors on the same findings: clinical_context, negspacy, medspaCy ConText.

Every backend gets the same pipeline up to `clinical_findings` (same findings, body parts,
onsets, temperatures); only the context of each finding comes from the backend, so the finding
scores are equal and the context accuracy is the comparison ("neg" is the accuracy when only
negated vs not-negated counts, the question negspacy answers). Needs a venv with spaCy 3.4.4,
spacy-lookups-data, negspacy 1.0.x and medspacy (see README.md here), not the Rasa venv:

    PYTHONPATH=. python bench/nlu_context/compare.py \
        tests/clinical_nlu/dev.yml tests/clinical_nlu/heldout.yml
"""

import argparse
import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from clinical_nlu import vocabulary
from clinical_nlu.evaluate import load_set, score
from clinical_nlu.pipeline import build, extract_findings

# medspaCy categories -> our contexts; our priority decides when several apply
MEDSPACY_CATEGORIES = {
    "NEGATED_EXISTENCE": "negated",
    "HISTORICAL": "historical",
    "FAMILY": "other_person",
    "HYPOTHETICAL": "hypothetical",
    "POSSIBLE_EXISTENCE": "hypothetical",  # uncertain mentions are labelled hypothetical
    "STABLE": "stable",
}
OUR_CATEGORIES = {v: k for k, v in MEDSPACY_CATEGORIES.items() if k != "POSSIBLE_EXISTENCE"}


@Language.component("findings_as_ents")
def findings_as_ents(doc: Doc) -> Doc:
    doc.ents = filter_spans(doc.spans["findings"])
    return doc


@Language.component("negex_to_context")
def negex_to_context(doc: Doc) -> Doc:
    for span in doc.spans["findings"]:
        span._.clinical_context = "negated" if span._.negex else "present"
    return doc


@Language.component("context_graph_to_context")
def context_graph_to_context(doc: Doc) -> Doc:
    found: dict[tuple, set] = {}
    for target, modifier in doc._.context_graph.edges:
        category = MEDSPACY_CATEGORIES.get(modifier.category)
        if category:
            found.setdefault((target.start, target.end), set()).add(category)
    priority = vocabulary.cached()["context"]["priority"]
    for span in doc.spans["findings"]:
        categories = found.get((span.start, span.end), set())
        span._.clinical_context = next((c for c in priority if c in categories), "present")
    return doc


@Language.component("all_present")
def all_present(doc: Doc) -> Doc:
    for span in doc.spans["findings"]:
        span._.clinical_context = "present"
    return doc


def without_context() -> Language:
    nlp = build()
    nlp.remove_pipe("clinical_context")
    return nlp


def negspacy_pipeline(termset: dict[str, list[str]]) -> Language:
    import negspacy.negation  # noqa: F401 - registers the "negex" factory

    nlp = without_context()
    nlp.add_pipe("findings_as_ents")
    nlp.add_pipe("negex", config={"neg_termset": termset})
    nlp.add_pipe("negex_to_context")
    return nlp


def negspacy_our_cues() -> dict[str, list[str]]:
    context = vocabulary.cached()["context"]
    negated = context["categories"]["negated"]
    return {
        "pseudo_negations": context["pseudo"],
        "preceding_negations": negated["forward"] + negated["both"],
        "following_negations": negated["both"],
        "termination": context["clause_breaks"],
    }


def medspacy_pipeline(our_cues: bool) -> Language:
    import medspacy.context  # noqa: F401 - registers the "medspacy_context" factory
    from medspacy.context import ConTextRule

    nlp = without_context()
    context = nlp.add_pipe(
        "medspacy_context",
        config={
            "rules": None if our_cues else "default",
            "input_span_type": "group",
            "span_group_name": "findings",
            "span_attrs": None,
        },
    )
    if our_cues:
        spec = vocabulary.cached()["context"]
        rules = []
        for category, cat in spec["categories"].items():
            for direction, cues in cat.items():
                if direction in ("forward", "backward", "both"):
                    way = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL"}[
                        direction
                    ]
                    rules += [
                        ConTextRule(cue, OUR_CATEGORIES[category], direction=way) for cue in cues
                    ]
        rules += [ConTextRule(cue, "PSEUDO", direction="PSEUDO") for cue in spec["pseudo"]]
        rules += [
            ConTextRule(cue, "TERMINATE", direction="TERMINATE") for cue in spec["clause_breaks"]
        ]
        context.add(rules)
    nlp.add_pipe("context_graph_to_context")
    return nlp


def backends() -> dict[str, Callable[[], Language]]:
    from negspacy.termsets import termset

    neg, med = version("negspacy"), version("medspacy")
    return {
        "clinical_context (ours)": build,
        "none (everything present)": lambda: _with(without_context(), "all_present"),
        f"negspacy {neg}, en_clinical termset": lambda: negspacy_pipeline(
            termset("en_clinical").get_patterns()
        ),
        f"negspacy {neg}, our negation cues": lambda: negspacy_pipeline(negspacy_our_cues()),
        f"medspaCy {med} ConText, default rules": lambda: medspacy_pipeline(our_cues=False),
        f"medspaCy {med} ConText, our cue lists": lambda: medspacy_pipeline(our_cues=True),
    }


def negation_only(items: list[dict]) -> list[dict]:
    """The same set with every context but `negated` read as `present` (negspacy's question)."""
    return [
        {
            **i,
            "findings": [
                f if f.endswith("/negated") else f.split("/")[0] + "/present"
                for f in i.get("findings", [])
            ],
        }
        for i in items
    ]


def negation_view(entities: list[dict]) -> list[dict]:
    return [
        {**e, "role": "present"} if e["entity"] == "finding" and e["role"] != "negated" else e
        for e in entities
    ]


def _with(nlp: Language, pipe: str) -> Language:
    nlp.add_pipe(pipe)
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    sets = {Path(p).stem: load_set(p) for p in args.sets}
    results = {}
    header = f"{'context detector':<42}" + "".join(
        f"{n + ' F1':>12}{n + ' ctx':>13}{n + ' neg':>13}{'ms/msg':>8}" for n in sets
    )
    print(header)
    for name, make in backends().items():
        nlp = make()
        row = f"{name:<42}"
        for set_name, items in sets.items():
            result = score(items, lambda text, nlp=nlp: extract_findings(text, nlp))
            negation = score(
                negation_only(items),
                lambda text, nlp=nlp: negation_view(extract_findings(text, nlp)),
            )
            result["negation_only_accuracy"] = negation["context_accuracy"]
            results.setdefault(name, {})[set_name] = {
                k: v for k, v in result.items() if k != "errors"
            }
            row += f"{result['findings']['f1']:>12.3f}{result['context_accuracy']:>13.3f}"
            row += f"{negation['context_accuracy']:>13.3f}{result['latency_ms']['mean']:>8.2f}"
        print(row)
    for name, per_set in results.items():
        for set_name, result in per_set.items():
            contexts = "  ".join(
                f"{c} {v['accuracy']:.2f}" for c, v in result["per_context"].items()
            )
            print(f"{name} / {set_name}: {contexts}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
