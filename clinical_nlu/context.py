"""spaCy component `clinical_context`: the context of every finding (a small ConText).

Sets `span._.clinical_context` on each span in doc.spans["findings"] to present, negated,
historical, other_person, hypothetical or stable. The cue lists and scopes are data
(`context:` in vocabulary.yml). Two things differ from classic ConText/NegEx, because chat
messages need them:
- negation reaches the first finding after the cue and then only the rest of a list
  ("no fever or cough"), not the whole clause ("no fever, my foot has been numb since Sunday");
- a cue with nothing after it looks back ("fever? nope").
"""

import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from clinical_nlu import vocabulary as vocab_mod
from clinical_nlu.matchers import phrase_docs, sentence_of
from protocol.thresholds import FEVER_C

# Between a finding and a cue that answers it: "fever? nope", "temperature - normal"
ANSWER_GAP = {"?", ":", "-", "–", "—", ",", "…", "...", "is", "was", "are", "were", "'s", "s"}
ANSWER_GAP |= {"been"}
ANSWER_GAP_MAX = 3
MAX_LIST = 8
DURATION_LEADS = {"for", "in", "over", "during"}
POINTING_BACK_SUBJECTS = {"that", "it", "this", "thats", "its"}
BEEN_REACH = 4  # "that's been my party trick since 2016": the words "been" may carry
HEDGE_REACH = 4  # "not chest pain exactly": the hedge within a few words of the no

Cue = tuple[Span, dict[str, set[str]]]


@Language.factory(
    "clinical_context",
    default_config={"vocabulary": None},
    requires=["doc.spans", "token.norm", "token.is_sent_start"],
    assigns=["span._.clinical_context", "doc.spans"],
)
def make_context(nlp: Language, name: str, vocabulary: str | None) -> "ContextAnnotator":
    return ContextAnnotator(nlp, vocab_mod.cached(vocabulary))


class ContextAnnotator:
    """Cues from the vocabulary, matched on norms; each category's scope decides what they reach."""

    def __init__(self, nlp: Language, vocab: dict) -> None:
        spec = vocab["context"]
        self._cues = PhraseMatcher(nlp.vocab, attr="NORM")
        for category, cat in spec["categories"].items():
            for direction in ("forward", "backward", "both"):
                if direction in cat:
                    self._cues.add(
                        f"{category}|{direction}", phrase_docs(nlp, cat[direction], normalize=True)
                    )
        self._proxy = _proxy_matcher(nlp, spec["proxy"])
        self._cues.add("pseudo|", phrase_docs(nlp, spec["pseudo"], normalize=True))
        self._cues.add("break|", phrase_docs(nlp, spec["clause_breaks"], normalize=True))
        self._scope = {c: cat["scope"] for c, cat in spec["categories"].items()}
        self._priority = spec["priority"]
        self._window = spec["window"]
        self._clause_window = spec["clause_window"]
        self._glue = set(spec["list_glue"])
        self._subject_starts = set(spec["subject_starts"])
        self._first_person = set(spec["first_person"])
        history = spec["history_by_time"]
        self._past_verbs = set(history["past_verbs"])
        self._history_units = set(history["units"])
        self._time_leads = set(history["time_leads"])
        self._months = set(history["months"])
        continuation = "|".join(re.escape(w) for w in history["continuation"])
        self._continuation = re.compile(r"\b(" + continuation + r")\b")
        over = "|".join(re.escape(w) for w in history["over_now"])
        self._over_now = re.compile(r"\bnow(?:\s+(?!not\b)[a-z']+){0,3}?\s+(?:" + over + r")\b")
        self._threshold = FEVER_C
        self._traits = {phrase.lower() for phrase in spec["traits"]}
        self._lasting_gap = set(spec["lasting_gap"])
        self._still_within_hours = set(spec["still_within_hours"])
        self._hedges = set(spec["hedges"])

    def __call__(self, doc: Doc) -> Doc:
        findings = list(doc.spans["findings"])
        if not findings:
            return doc
        cues, breaks = self._find_cues(doc, findings)
        clause = self._clauses(doc, sentence_of(doc), breaks)
        scope = _Scope(doc, findings, clause, self._window, self._clause_window)
        applies: list[set[str]] = [set() for _ in findings]
        typed_for_the_client = bool(self._proxy(doc))
        for cue, directions in cues:
            for category, ways in directions.items():
                if category == "other_person" and typed_for_the_client:
                    continue
                if category == "negated" and self._hedged(doc, cue):
                    continue
                if self._scope[category] == "list":
                    targets = scope.list_targets(cue, ways, self._glue)
                else:
                    stop = self._first_person if category == "other_person" else set()
                    targets = scope.clause_targets(cue, ways, stop)
                for k in targets:
                    applies[k].add(category)
        self._still_now(doc, findings, applies)
        for k in _begun_lately(doc, clause, findings):
            applies[k].discard("stable")
        for k in _dating_an_old_time(doc, findings):
            applies[k].add("historical")
        for k in self._historical_by_time(doc, clause, findings):
            applies[k].add("historical")
        lasting = self._told_as_lasting(doc, findings)
        for k, (span, categories) in enumerate(zip(findings, applies, strict=True)):
            context = next((c for c in self._priority if c in categories), "present")
            if context == "present" and (span.text.lower() in self._traits or k in lasting):
                context = "stable"
            reading = span._.clinical_temperature
            if (
                reading is not None
                and reading < self._threshold
                and context in ("present", "stable")
            ):
                context = "negated"
            span._.clinical_context = context
        doc.spans["temperatures"] = _readings_of_now(doc)
        return doc

    def _still_now(self, doc: Doc, findings: list[Span], applies: list[set[str]]) -> None:
        # "This morning I had fever 39.5, now is better with paracetamol": told as over, but
        # within hours (context.still_within_hours)
        sent = sentence_of(doc)
        recent = {sent[span.start] for span in doc.spans.get("within_hours", [])}
        for span, categories in zip(findings, applies, strict=True):
            if span.label_ in self._still_within_hours and sent[span.start] in recent:
                categories.discard("historical")

    def _find_cues(self, doc: Doc, findings: list[Span]) -> tuple[list[Cue], set[int]]:
        labels: dict[tuple[int, int], set[str]] = {}
        for match_id, start, end in self._cues(doc):
            labels.setdefault((start, end), set()).add(doc.vocab.strings[match_id])
        inside = {i for f in findings for i in range(f.start, f.end)}
        cues: list[Cue] = []
        breaks: set[int] = set()
        # The longest cue wins: "not sure" (pseudo) switches off "not", "no change" (stable) "no".
        for span in filter_spans([Span(doc, s, e) for s, e in labels]):
            found = labels[(span.start, span.end)]
            if "pseudo|" in found or inside.intersection(range(span.start, span.end)):
                continue  # a pseudo cue, or part of a finding ("can't feel", "no energy")
            if "break|" in found:
                breaks.add(span.start)
            directions: dict[str, set[str]] = {}
            for label in found - {"break|"}:
                category, direction = label.split("|")
                directions.setdefault(category, set()).add(direction)
            if directions:
                cues.append((span, directions))
        return cues, breaks

    def _hedged(self, doc: Doc, cue: Span) -> bool:
        # "not chest pain exactly, more a heavy feeling", "not pain as such": a hedge, no no
        words = []
        for token in doc[cue.end : cue.end + HEDGE_REACH]:
            if token.is_punct:
                break
            words.append(token.lower_)
        told = " " + " ".join(words) + " "
        return any(f" {hedge} " in told for hedge in self._hedges)

    def _clauses(self, doc: Doc, sent: list[int], breaks: set[int]) -> list[int]:
        # A clause ends at a sentence end, a break word ("but"), a semicolon, or a new subject
        # after "and" or a comma ("no fever, and my foot is numb").
        clause, current = [], 0
        for i, token in enumerate(doc):
            if i and (
                sent[i] != sent[i - 1]
                or i in breaks
                or doc[i - 1].text == ";"
                or (token.norm_ in self._subject_starts and doc[i - 1].norm_ in (",", "and", "&"))
            ):
                current += 1
            clause.append(current)
        return clause

    def _historical_by_time(self, doc: Doc, clause: list[int], findings: list[Span]) -> list[int]:
        # "I had a fever last month", "had covid in January": a past-tense verb and a time at
        # least a week back, with nothing saying it goes on ("still", "since", "started" ...).
        past_clauses = set()
        for onset in doc.spans["onsets"]:
            words = {t.lower_ for t in onset}
            if words & {"ago", "last"} and words & self._history_units:
                past_clauses.add(clause[onset.start])
        for token in doc[1:]:
            if doc[token.i - 1].lower_ in self._time_leads and (
                token.lower_ in self._months or token.shape_ == "dddd"
            ):
                past_clauses.add(clause[token.i])
        historical = {c for c in past_clauses if self._told_as_past(doc, clause, c)}
        # "four week ago I have attack, my leg was weak": a clause in the past tense with no
        # time of its own is the episode its sentence dates, unless the sentence says it goes
        # on ("..., my hand was numb and it still is")
        sent = sentence_of(doc)
        dated = {sent[bisect_left(clause, c)] for c in past_clauses}
        dated = {n for n in dated
                 if not self._goes_on(doc[bisect_left(sent, n) : bisect_right(sent, n)])}
        timed = {clause[o.start] for o in doc.spans["onsets"]}
        for c in set(clause) - past_clauses - timed:
            if sent[bisect_left(clause, c)] in dated and self._told_as_past(doc, clause, c):
                historical.add(c)
        return [k for k, f in enumerate(findings) if clause[f.start] in historical]

    def _told_as_lasting(self, doc: Doc, findings: list[Span]) -> set[int]:
        # The findings just before a long-standing time ("double vision for a long time"),
        # over gap words only, in a sentence that tells of nothing recent.
        sent = sentence_of(doc)
        onsets = doc.spans["onsets"]
        recent = {sent[o.start] for o in onsets if o.label_ != "long_standing"}
        ending_at = {f.end: k for k, f in enumerate(findings)}
        # the places of a finding belong to it: "numb feet for years"
        places = {i for part in doc.spans["body_parts"] for i in range(part.start, part.end)}
        lasting: set[int] = set()
        for onset in onsets:
            if onset.label_ != "long_standing" or sent[onset.start] in recent:
                continue
            i = onset.start
            while i > 0 and sent[i - 1] == sent[onset.start]:
                if i in ending_at:
                    lasting.add(ending_at[i])
                    i = findings[ending_at[i]].start
                elif doc[i - 1].lower_ in self._lasting_gap or i - 1 in places:
                    i -= 1
                elif (been := _pointing_back_been(doc, i)) is not None:
                    i = been  # "..., but that's been my party trick since 2016"
                else:
                    break
        return lasting

    def _goes_on(self, tokens: Span) -> bool:
        told = self._over_now.sub(" ", " ".join(t.lower_ for t in tokens))
        return self._continuation.search(told) is not None

    def _told_as_past(self, doc: Doc, clause: list[int], c: int) -> bool:
        tokens = doc[bisect_left(clause, c) : bisect_right(clause, c)]
        return any(t.lower_ in self._past_verbs for t in tokens) and not self._goes_on(tokens)


def _pointing_back_been(doc: Doc, i: int) -> int | None:
    """Where "that's been" / "it has been" starts, when it stands a few words before token
    i: what it says of the time is said of what came before it."""
    for j in range(i - 1, max(i - 1 - BEEN_REACH, 2) - 1, -1):
        if doc[j].lower_ == "been" and doc[j - 1].lower_ in ("'s", "s", "has", "is") \
                and doc[j - 2].lower_ in POINTING_BACK_SUBJECTS:
            return j - 2
    return None


def _begun_lately(doc: Doc, clause: list[int], findings: list[Span]) -> list[int]:
    """Findings whose own clause dates them lately: no cue makes them stable ("my calf is
    swollen since this morning but that's been going on for years"). A duration dates nothing
    ("tired like always in the week after my infusion")."""
    lately = {clause[o.start] for o in doc.spans["onsets"]
              if o.label_ != "long_standing" and o[0].lower_ not in DURATION_LEADS}
    return [k for k, f in enumerate(findings) if clause[f.start] in lately]


def _dating_an_old_time(doc: Doc, findings: list[Span]) -> list[int]:
    """Findings inside a long-standing time: "numb since my relapse in 2020" is an old relapse."""
    old = [o for o in doc.spans["onsets"] if o.label_ == "long_standing"]
    return [k for k, f in enumerate(findings)
            if any(o.start <= f.start and f.end <= o.end for o in old)]


def _proxy_matcher(nlp: Language, proxy: dict) -> Matcher:
    """Matches a writer saying they type for the client (`context.proxy`)."""
    matcher = Matcher(nlp.vocab)
    matcher.add("phrase", [[{"LOWER": t.lower_} for t in nlp.make_doc(phrase)]
                           for phrase in proxy["phrases"]])
    role = {"LOWER": {"IN": proxy["roles"]}}
    whose = {"LOWER": {"IN": ["her", "his", "their"]}}
    name = {"IS_TITLE": True}
    matcher.add("role", [
        [{"LOWER": {"IN": ["i", "this", "it"]}}, {"LOWER": {"IN": ["'m", "m", "am", "is", "'s"]}},
         {"IS_ALPHA": True, "OP": "?"}, whose, {"IS_ALPHA": True, "OP": "?"}, role],
        [whose, {"IS_ALPHA": True, "OP": "?"}, role, {"LOWER": {"IN": ["here", "typing"]}}],
        [name, {"IS_TITLE": True, "OP": "?"}, {"LOWER": "'s"}, {"IS_ALPHA": True, "OP": "?"},
         role, {"LOWER": {"IN": [",", ".", "here", "typing", "and", "-", "writing"]}}],
    ])
    return matcher


def _readings_of_now(doc: Doc) -> list[Span]:
    """The temperature readings of the client's now: not those of a sentence whose fever is
    someone else's, past or supposed."""
    sent = sentence_of(doc)
    told: dict[int, set[str]] = {}
    for span in doc.spans["findings"]:
        if span.label_ in vocab_mod.FEVERS:
            told.setdefault(sent[span.start], set()).add(span._.clinical_context)

    def of_now(reading: Span) -> bool:
        contexts = told.get(sent[reading.start])
        return not contexts or not contexts <= vocab_mod.NOT_NOW

    return [reading for reading in doc.spans.get("temperatures", []) if of_now(reading)]


class _Scope:
    """Which findings a cue reaches, per scope kind."""

    def __init__(
        self, doc: Doc, findings: list[Span], clause: list[int], window: int, clause_window: int
    ) -> None:
        self.doc, self.findings, self.clause = doc, findings, clause
        self.window, self.clause_window = window, clause_window
        self.starts = [f.start for f in findings]
        self.start_at = {f.start: k for k, f in enumerate(findings)}
        self.end_at = {f.end: k for k, f in enumerate(findings)}

    def clause_targets(self, cue: Span, ways: set[str], stop: set[str]) -> list[int]:
        forward, backward = ways & {"forward", "both"}, ways & {"backward", "both"}
        own = self.clause[cue.start]
        nearby = self._nearby(cue)
        # A cue alone in its clause speaks about the clause next to it: "same as always, my legs
        # are stiff", "my feet are numb, they always are".
        alone = not any(self.clause[self.findings[k].start] == own for k in nearby)
        clauses = {own, own + 1, own - 1} if alone else {own}
        targets = []
        for k in nearby:
            f = self.findings[k]
            if forward and f.start >= cue.end and self.clause[f.start] in clauses - {own - 1}:
                if not self._has(cue.end, f.start, stop):
                    targets.append(k)
            elif backward and f.end <= cue.start and self.clause[f.end - 1] in clauses - {own + 1}:
                targets.append(k)
        return targets

    def _nearby(self, cue: Span) -> list[int]:
        reach = self.clause_window
        lo = bisect_left(self.starts, cue.start - reach - 10)
        hi = bisect_right(self.starts, cue.end + reach)
        return [
            k
            for k in range(lo, hi)
            if 0 <= self.findings[k].start - cue.end <= reach
            or 0 <= cue.start - self.findings[k].end <= reach
        ]

    def list_targets(self, cue: Span, ways: set[str], glue: set[str]) -> list[int]:
        doc = self.doc
        if cue.end < len(doc) and not doc[cue.end].is_punct:
            for i in range(cue.end, min(len(doc), cue.end + self.window)):
                if self.clause[i] != self.clause[cue.end - 1]:
                    break
                if i in self.start_at:
                    return self._chain(self.start_at[i], glue, forward=True)
        if "both" in ways:
            p = cue.start
            while p > 0 and cue.start - p <= ANSWER_GAP_MAX:
                if p in self.end_at:
                    return self._chain(self.end_at[p], glue, forward=False)
                if doc[p - 1].lower_ not in ANSWER_GAP:
                    break
                p -= 1
        return []

    def _chain(self, k: int, glue: set[str], forward: bool) -> list[int]:
        # Extend over a list: "no fever, cough or chills" reaches all three. Spoken lists are
        # short; the cap keeps a run-on message from chaining through everything.
        chain = [k]
        while len(chain) < MAX_LIST:
            following = self._next_in_list(self.findings[chain[-1]], glue, forward)
            if following is None:
                break
            chain.append(following)
        return chain

    def _next_in_list(self, f: Span, glue: set[str], forward: bool) -> int | None:
        # Only within the clause: "no temperature, the tingling is just the usual" is a new one.
        if forward:
            for p in range(f.end, min(len(self.doc), f.end + self.window + 1)):
                if self.clause[p] != self.clause[f.start]:
                    return None
                if p in self.start_at:
                    return self.start_at[p]
                if self.doc[p].norm_ not in glue:
                    return None
            return None
        p = f.start
        while p > 0 and f.start - p <= self.window:
            if self.clause[p - 1] != self.clause[f.start]:
                return None
            if p in self.end_at:
                return self.end_at[p]
            if self.doc[p - 1].norm_ not in glue:
                return None
            p -= 1
        return None

    def _has(self, start: int, end: int, words: set[str]) -> bool:
        return any(self.doc[i].norm_ in words for i in range(start, end))
