"""Each clinical_nlu component declares what it reads and writes, as spaCy factories do, and
the pipeline's order satisfies every declaration."""

from spacy.language import Language

from clinical_nlu.pipeline import PIPES, build


def test_every_component_declares_what_it_assigns():
    for name in PIPES:
        if name != "sentencizer":
            assert Language.get_factory_meta(name).assigns, name


def test_every_requirement_is_met_by_an_earlier_component():
    analysis = build().analyze_pipes()
    assert analysis["problems"] == {name: [] for name in PIPES}
