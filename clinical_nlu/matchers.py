"""spaCy components that find the clinical entities, all configured by `vocabulary.yml`.

Each writes one span group:
- `clinical_onsets`       doc.spans["onsets"]        label = sudden | recent | long_standing
- `clinical_temperatures` doc.spans["temperatures"]  span._.clinical_temperature = degrees C
- `clinical_body_parts`   doc.spans["body_parts"]    label = normalised value ("left foot")
- `clinical_findings`     doc.spans["findings"]      label = finding id
They run after `clinical_normalizer`, whose norms and lemmas they match on.
"""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from clinical_nlu import vocabulary as vocab_mod
from protocol.thresholds import FEVER_C

for _name in ("clinical_temperature", "clinical_context"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)

ROLE_URGENCY = ("sudden", "recent", "long_standing")


def phrase_docs(nlp: Language, phrases: Iterable[str], normalize: bool = False) -> list[Doc]:
    """Pattern docs for a PhraseMatcher; `normalize` gives them norms and lemmas like messages."""
    docs = [nlp.make_doc(p) for p in phrases]
    if normalize:
        normalizer = nlp.get_pipe("clinical_normalizer")
        docs = [normalizer.normalize(d) for d in docs]
    return docs


def sentence_of(doc: Doc) -> list[int]:
    """The sentence number of every token (Span.sent walks the doc on every call)."""
    numbers, current = [], -1
    for token in doc:
        current += bool(token.is_sent_start) or current < 0
        numbers.append(current)
    return numbers


# --- onsets -----------------------------------------------------------------------------------


@Language.factory("clinical_onsets", default_config={"vocabulary": None}, assigns=["doc.spans"])
def make_onsets(nlp: Language, name: str, vocabulary: str | None) -> "OnsetMatcher":
    return OnsetMatcher(nlp, vocab_mod.cached(vocabulary))


NOT_SUDDEN = "not_sudden"  # the longest match, so "not sudden" switches "sudden" off


class OnsetMatcher:
    """Time expressions: "since Sunday", "for years", "two weeks ago", "this morning, suddenly"."""

    def __init__(self, nlp: Language, vocab: dict) -> None:
        spec = vocab["onset"]
        self._unit_roles = {u: role for role, units in spec["units"].items() for u in units}
        self._fixed = PhraseMatcher(nlp.vocab, attr="LOWER")
        for role in ("sudden", "recent", "long_standing", NOT_SUDDEN):
            self._fixed.add(role, phrase_docs(nlp, spec[role]))
        self._matcher = Matcher(nlp.vocab)
        opener = {"LOWER": {"IN": ["the", "last", "this", "my"]}, "OP": "?"}
        for role, points in spec["points"].items():
            for point in points:
                words = [{"LOWER": t.lower_} for t in nlp.make_doc(point)]
                self._matcher.add(
                    role, [[{"LOWER": "since"}, opener, *words], [{"LOWER": "last"}, *words]]
                )
        year = {"SHAPE": "dddd"}
        # "since 2015", "since my op in 2019", "since the accident back in 2015"
        self._matcher.add("long_standing", [
            [{"LOWER": "since"}, year],
            [{"LOWER": "since"}, opener, {"IS_ALPHA": True, "OP": "?"}, {"IS_ALPHA": True},
             {"LOWER": {"IN": ["in", "back"]}}, {"LOWER": "in", "OP": "?"}, year],
        ])
        numbers = [w for w in spec["numbers"] if w not in ("a", "an", "of")]
        any_number = {"LOWER": {"REGEX": r"^(\d+|a|an|of|" + "|".join(numbers) + ")$"}}
        a_number = {"LOWER": {"REGEX": r"^(\d+|" + "|".join(numbers) + ")$"}}
        unit = {"LOWER": {"IN": list(self._unit_roles)}}
        ago = {"LOWER": "ago", "OP": "?"}
        lead = {"LOWER": {"IN": spec["leads"]}}
        # Bounded repeats ("for the past", "a couple of"), never "+" or "*": those make the Matcher
        # quadratic on a run of "the the the ...".
        maybe_lead, maybe_number = {**lead, "OP": "?"}, {**any_number, "OP": "?"}
        self._matcher.add(
            "unit",
            [
                [lead, maybe_lead, maybe_lead, maybe_number, maybe_number, maybe_number, unit, ago],
                [maybe_number, maybe_number, a_number, maybe_number, maybe_number, unit, ago],
                [{"LOWER": {"IN": ["a", "an"]}, "OP": "?"}, unit, {"LOWER": "ago"}],
            ],
        )

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s, e, label=lab) for lab, s, e in self._fixed(doc)]
        for match_id, start, end in self._matcher(doc):
            label = doc.vocab.strings[match_id]
            if label == "unit":
                label = next(
                    self._unit_roles[t.lower_]
                    for t in reversed(doc[start:end])
                    if t.lower_ in self._unit_roles
                )
            spans.append(Span(doc, start, end, label=label))
        found = [s for s in filter_spans(spans) if s.label_ != NOT_SUDDEN]
        doc.spans["onsets"] = _merge_adjacent(doc, sorted(found, key=lambda s: s.start))
        return doc


def _merge_adjacent(doc: Doc, spans: list[Span]) -> list[Span]:
    # "this morning, suddenly" is one onset; it keeps the most urgent role.
    merged: list[Span] = []
    for span in spans:
        prev = merged[-1] if merged else None
        gap = doc[prev.end : span.start] if prev else None
        if prev is not None and len(gap) <= 1 and all(t.lower_ in (",", "and") for t in gap):
            role = min(prev.label_, span.label_, key=ROLE_URGENCY.index)
            merged[-1] = Span(doc, prev.start, span.end, label=role)
        else:
            merged.append(span)
    return merged


# --- temperatures -----------------------------------------------------------------------------


@Language.factory(
    "clinical_temperatures",
    default_config={"vocabulary": None},
    assigns=["doc.spans", "span._.clinical_temperature"],
)
def make_temperatures(nlp: Language, name: str, vocabulary: str | None) -> "TemperatureFinder":
    return TemperatureFinder(vocab_mod.cached(vocabulary))


class TemperatureFinder:
    """Body temperatures, in degrees Celsius: "38.5", "38,5", "101 F", "102 degrees", "39.2c"."""

    NUMBER = re.compile(r"(?<![\w.,])(\d{2,3}(?:[.,]\d{1,2})?)(?![\d]|[.,]\d)")
    UNIT = re.compile(
        r"\s?(°|º|degrees?\b|degs?\b)?\s?(?:(celsius|centigrade|fahrenheit|c|f)\b)?", re.IGNORECASE
    )

    def __init__(self, vocab: dict) -> None:
        spec = vocab["temperature"]
        self._celsius = spec["celsius_range"]
        self._fahrenheit = spec["fahrenheit_range"]
        words = "|".join(re.escape(k) for k in spec["keywords"])
        # a keyword, then at most three words before the number: "temp was up to 38,5"
        self._keyword = re.compile(r"\b(" + words + r")\b\W*(?:\w+\W+){0,3}$", re.IGNORECASE)
        not_body = [*spec["weather_words"], *spec["counted_words"]]
        words = "|".join(re.escape(w) for w in sorted(not_body, key=len, reverse=True))
        # the weather ("38 degrees outside") or a count ("in 40 years"), not the client
        self._not_body = re.compile(r"^\W*(" + words + r")(?!\w)", re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        text = doc.text
        for match in self.NUMBER.finditer(text):
            found = self._reading(text, match)
            if found is None:
                continue
            celsius, end, scale = found
            span = doc.char_span(match.start(), end, label=scale, alignment_mode="expand")
            if span is not None:
                span._.clinical_temperature = celsius
                spans.append(span)
        doc.spans["temperatures"] = filter_spans(spans)
        return doc

    def _reading(self, text: str, match: re.Match) -> tuple[float, int, str] | None:
        """The reading in °C, where it ends, and the scale the client used (the span's
        label: `celsius` or `fahrenheit`, since the thresholds are set in both)."""
        number = match.group(1)
        value = float(number.replace(",", "."))
        unit = self.UNIT.match(text, match.end())
        degrees, letter = unit.group(1), (unit.group(2) or "")[:1].lower()
        end = unit.end() if (degrees or letter) else match.end()
        if self._not_body.match(text[end : end + 30]):
            return None
        if not letter:
            # a bare number is a temperature only after a temperature word, with "degrees", or
            # as a decimal that can only be a body temperature ("38.5")
            keyword = self._keyword.search(text[max(0, match.start() - 60) : match.start()])
            decimal = "." in number or "," in number
            if not (degrees or keyword or (decimal and 35 <= value < 43)):
                return None
            letter = "f" if value >= 90 else "c"
        low, high = self._fahrenheit if letter == "f" else self._celsius
        if not low <= value <= high:
            return None
        celsius = (value - 32) * 5 / 9 if letter == "f" else value
        return round(celsius, 1), end, "fahrenheit" if letter == "f" else "celsius"


# --- body parts -------------------------------------------------------------------------------


@Language.factory(
    "clinical_body_parts", default_config={"vocabulary": None}, assigns=["doc.spans"]
)
def make_body_parts(nlp: Language, name: str, vocabulary: str | None) -> "BodyPartMatcher":
    return BodyPartMatcher(nlp, vocab_mod.cached(vocabulary))


class BodyPartMatcher:
    """Body parts with their side: "my left foot", "left side of my face", "both hands"."""

    def __init__(self, nlp: Language, vocab: dict) -> None:
        spec = vocab["body_parts"]
        self._parts = PhraseMatcher(nlp.vocab, attr="LOWER")
        for value, terms in spec["parts"].items():
            self._parts.add(value, phrase_docs(nlp, terms))
        self._sides = PhraseMatcher(nlp.vocab, attr="LOWER")
        for side, terms in spec["sides"].items():
            self._sides.add(side, phrase_docs(nlp, terms))
        self._fillers = set(spec["side_fillers"])
        self._carriers = set(spec["side_carriers"])
        self._needs_side = set(spec["needs_side"])

    def __call__(self, doc: Doc) -> Doc:
        parts = filter_spans(self._parts(doc, as_spans=True))
        side_ending_at = {s.end: s for s in self._sides(doc, as_spans=True)}
        found: list[tuple[Span, str | None]] = []
        for part in parts:
            start = part.start
            while start > 0 and part.start - start < 4 and doc[start - 1].lower_ in self._fillers:
                start -= 1
            side_span = side_ending_at.get(start)
            side = side_span.label_ if side_span is not None else None
            if side_span is not None:
                start = side_span.start
                # "left side of my face": the "side" was a filler, not a part of its own
                while found and found[-1][0].end > start:
                    found.pop()
            else:
                start = part.start
                side = self._carried_side(doc, part, found)
            found.append((Span(doc, start, part.end, label=part.label_), side))
        doc.spans["body_parts"] = [
            Span(doc, span.start, span.end, label=f"{side} {span.label_}" if side else span.label_)
            for span, side in found
            if side or span.label_ not in self._needs_side
        ]
        return doc

    def _carried_side(
        self, doc: Doc, part: Span, found: list[tuple[Span, str | None]]
    ) -> str | None:
        # "my left arm and leg": the side carries over a bare "and" to the next part
        if (
            found
            and found[-1][1]
            and part.start >= 2
            and doc[part.start - 1].lower_ in self._carriers
            and found[-1][0].end == part.start - 1
        ):
            return found[-1][1]
        return None


# --- findings ---------------------------------------------------------------------------------


class _Spans:
    """Non-overlapping finding spans, indexed by token."""

    def __init__(self, spans: list[Span]) -> None:
        self._at: dict[int, Span] = {}
        for span in spans:
            self._put(span)

    def _put(self, span: Span) -> None:
        for i in range(span.start, span.end):
            self._at[i] = span

    def overlapping(self, span: Span) -> list[Span]:
        found = {
            self._at[i].start: self._at[i] for i in range(span.start, span.end) if i in self._at
        }
        return list(found.values())

    def add_pair(self, first: Span, second: Span) -> None:
        """Add a near pair as its symptom word ("swollen"), which takes over a term that is just one
        of its own two words ("my right side is weak" is one-sided weakness, not also weakness).
        When the symptom word belongs to a longer term ("balance is worse than usual"), the first
        word stands for the pair instead."""
        if any(s.label_ == second.label_ for s in self.overlapping(second)):
            return  # already named by a longer term: "skin is very sensitive to touch"
        own = [(first.start, first.end), (second.start, second.end)]
        taken = self.overlapping(first) + self.overlapping(second)
        if all(any(a <= s.start and s.end <= b for a, b in own) for s in taken):
            for span in taken:
                for i in range(span.start, span.end):
                    del self._at[i]
            self._put(Span(second.doc, second.start, second.end, label=second.label_))
        elif not self.overlapping(first):
            self._put(Span(first.doc, first.start, first.end, label=first.label_))

    def sorted(self) -> list[Span]:
        return sorted({s.start: s for s in self._at.values()}.values(), key=lambda s: s.start)


@Language.factory(
    "clinical_findings",
    default_config={"vocabulary": None},
    requires=["doc.spans", "token.lemma", "token.is_sent_start"],
    assigns=["doc.spans", "span._.clinical_temperature"],
)
def make_findings(nlp: Language, name: str, vocabulary: str | None) -> "FindingMatcher":
    return FindingMatcher(nlp, vocab_mod.cached(vocabulary))


class FindingMatcher:
    """Finding mentions, matched on lemmas; needs onsets and temperatures found first."""

    def __init__(self, nlp: Language, vocab: dict) -> None:
        self._matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._if_sudden: dict[str, str] = {}
        for fid, spec in vocab["findings"].items():
            self._matcher.add(f"term|{fid}", phrase_docs(nlp, spec["terms"], normalize=True))
            if spec.get("sudden_terms"):
                self._matcher.add(
                    f"sudden|{fid}", phrase_docs(nlp, spec["sudden_terms"], normalize=True)
                )
            for key, kind in (("near", "near"), ("near_within_hours", "hnear")):
                for i, pair in enumerate(spec.get(key, [])):
                    for part, words in zip("ab", pair, strict=True):
                        self._matcher.add(f"{kind}{i}{part}|{fid}",
                                          phrase_docs(nlp, words, normalize=True))
            if spec.get("if_sudden"):
                self._if_sudden[fid] = spec["if_sudden"]
        self._matcher.add("ignore|", phrase_docs(nlp, vocab["ignore"], normalize=True))
        hours = vocab["onset"]["within_hours"]
        self._matcher.add("hours|", phrase_docs(nlp, hours, normalize=True))
        self._near_window = vocab["near_window"]
        self._breaks = {b for b in vocab["context"]["clause_breaks"] if " " not in b}
        temperature = vocab["temperature"]
        self._measured = set(temperature["measured_terms"])
        self._threshold = FEVER_C

    def __call__(self, doc: Doc) -> Doc:
        matches: dict[str, list[Span]] = {}
        for match_id, start, end in self._matcher(doc):
            kind, fid = doc.vocab.strings[match_id].split("|")
            matches.setdefault(kind, []).append(Span(doc, start, end, label=fid or "ignore"))
        sent = sentence_of(doc)
        sudden_sents = _sudden_sentences(doc, sent, matches)
        candidates = matches.get("term", []) + matches.get("ignore", [])
        candidates += [s for s in matches.get("sudden", []) if sent[s.start] in sudden_sents]
        spans = _Spans(filter_spans(candidates))
        hours_sents = sudden_sents | {sent[s.start] for s in matches.get("hours", [])}
        # Pairs that need a time within hours come last: they take over the plain ones.
        for prefix in ("near", "hnear"):
            for kind in sorted(k for k in matches if k.startswith(prefix) and k.endswith("a")):
                firsts = matches[kind]
                if prefix == "hnear":
                    firsts = [f for f in firsts if sent[f.start] in hours_sents]
                for first, second in self._near(
                    doc, sent, firsts, matches.get(kind[:-1] + "b", [])
                ):
                    spans.add_pair(first, second)
        findings = []
        for span in spans.sorted():
            if span.label_ == "ignore":
                continue
            if span.label_ in self._if_sudden and sent[span.start] in sudden_sents:
                span = Span(doc, span.start, span.end, label=self._if_sudden[span.label_])
            findings.append(span)
        doc.spans["findings"] = self._with_readings(doc, sent, findings)
        doc.spans["within_hours"] = matches.get("hours", [])
        return doc

    def _near(
        self, doc: Doc, sent: list[int], firsts: list[Span], seconds: list[Span]
    ) -> list[tuple[Span, Span]]:
        # "my left calf is really swollen": two words of a pair, close together in one clause.
        pairs = []
        firsts = sorted(firsts, key=lambda s: s.start)
        starts = [f.start for f in firsts]
        reach = self._near_window + 8  # the longest phrases in a group are a few words
        for second in seconds:
            lo, hi = (
                bisect_left(starts, second.start - reach),
                bisect_right(starts, second.end + reach),
            )
            for first in firsts[lo:hi]:
                if first.label_ != second.label_ or first.start == second.start:
                    continue
                lo, hi = sorted((first, second), key=lambda s: s.start)
                gap = doc[lo.end : hi.start]
                broken = any(
                    t.is_punct and t.text not in "-'" and not _refers_back(t)
                    or t.lower_ in self._breaks for t in gap
                )
                if (
                    len(gap) <= self._near_window
                    and sent[lo.start] == sent[hi.end - 1]
                    and not broken
                ):
                    pairs.append((first, second))
                    break
        return pairs

    def _with_readings(self, doc: Doc, sent: list[int], findings: list[Span]) -> list[Span]:
        # A reading decides what "temperature" means ("temp 36.8" is no fever); a reading at or
        # over the threshold is a fever mention even without a fever word ("38.5 since last night").
        readings = {}
        for reading in doc.spans["temperatures"]:
            readings.setdefault(sent[reading.start], reading)
        for span in findings:
            reading = readings.get(sent[span.start])
            if (
                reading is not None
                and span.label_ == "fever"
                and span.text.lower() in self._measured
            ):
                span._.clinical_temperature = reading._.clinical_temperature
        fever_sents = {sent[s.start] for s in findings if s.label_ in ("fever", "high_fever")}
        for sent_start, reading in readings.items():
            if sent_start not in fever_sents and reading._.clinical_temperature >= self._threshold:
                fever = Span(doc, reading.start, reading.end, label="fever")
                fever._.clinical_temperature = reading._.clinical_temperature
                findings.append(fever)
        return sorted(findings, key=lambda s: s.start)


def _sudden_sentences(doc: Doc, sent: list[int], matches: dict[str, list[Span]]) -> set[int]:
    """The sentences told as sudden. A sudden onset in sentences that name nothing belongs to
    the last one before them that does: "HEADACHE. VERY BAD. CAME ON SUDDENLY"."""
    named = {sent[s.start] for kind in ("term", "sudden") for s in matches.get(kind, [])}
    sudden = set()
    for onset in doc.spans["onsets"]:
        if onset.label_ != "sudden":
            continue
        own = at = sent[onset.start]
        while at > 0 and at not in named:
            at -= 1
        sudden |= {own, at} if at in named else {own}
    return sudden


# "my right calf, it's been swollen": a comma before a word pointing back joins the pair.
POINTING_BACK = {"it", "it's", "its", "which", "that"}


def _refers_back(token) -> bool:
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return token.text == "," and following is not None and following.lower_ in POINTING_BACK
