"""spaCy component `clinical_normalizer`: norms, lemmas and typo repair.

Everything downstream matches on these attributes, so they are computed once per message:
- `token.norm_`: lower case, contractions expanded by the tokenizer ("n't" -> "not"), British
  spellings mapped to American (spacy-lookups-data `lexeme_norm`). Context cues match on it.
- `token.lemma_`: the lookup lemma of the norm (spacy-lookups-data `lemma_lookup`); a likely typo of
  a vocabulary word gets that word's lemma instead. Finding terms match on it.
"""

from collections.abc import Iterable

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from clinical_nlu import vocabulary as vocab_mod


@Language.factory(
    "clinical_normalizer",
    default_config={"vocabulary": None},
    assigns=["token.norm", "token.lemma"],
)
def make_clinical_normalizer(
    nlp: Language, name: str, vocabulary: str | None
) -> "ClinicalNormalizer":
    return ClinicalNormalizer(vocab_mod.cached(vocabulary))


class ClinicalNormalizer:
    def __init__(self, vocab: dict) -> None:
        tables = load_lookups("en", ["lemma_lookup", "lexeme_norm"])
        self._lemmas = tables.get_table("lemma_lookup")
        self._norms = tables.get_table("lexeme_norm")
        self._lemma_values: set[str] = set(self._lemmas.values())
        fuzzy = vocab["fuzzy"]
        self._min_length = fuzzy["min_length"]
        words = set(_finding_words(vocab))
        self._not_typos = set(fuzzy["not_typos"]) | words
        self._typo_index = _deletion_index(w for w in words if len(w) >= self._min_length)

    def __call__(self, doc: Doc) -> Doc:
        return self.normalize(doc, fix_typos=True)

    def normalize(self, doc: Doc, fix_typos: bool = False) -> Doc:
        """Set norms and lemmas (patterns are normalised the same way, without typo repair)."""
        for token in doc:
            norm = self._norms.get(token.norm_, token.norm_)
            token.norm_ = norm
            word = self._typo_target(norm) if fix_typos else None
            token.lemma_ = self.lemma(word or norm)
        return doc

    def lemma(self, norm: str) -> str:
        return self._lemmas.get(norm, norm)

    def _typo_target(self, word: str) -> str | None:
        # Only long, purely alphabetic words that no English word list knows are repaired, and only
        # into a vocabulary word one edit away with the same first letter: short words and real
        # words ("never" is one edit from "fever") are never touched.
        if len(word) < self._min_length or not word.isalpha() or self._is_known(word):
            return None
        candidates = {t for key in _deletions(word) for t in self._typo_index.get(key, ())}
        candidates = {t for t in candidates if t[0] == word[0] and _one_edit(word, t)}
        return candidates.pop() if len(candidates) == 1 else None

    def _is_known(self, word: str) -> bool:
        return (
            word in self._not_typos
            or word in self._lemmas
            or word in self._lemma_values
            or word in self._norms
        )


def _finding_words(vocab: dict) -> Iterable[str]:
    # Single-word terms only: a word that only occurs inside a phrase ("curtain" in "curtain over
    # my eye") is no symptom on its own, and repairing towards it rewrote real words ("certain").
    for spec in vocab["findings"].values():
        phrases = list(spec["terms"]) + list(spec.get("sudden_terms", []))
        phrases += [p for pair in spec.get("near", []) for group in pair for p in group]
        yield from (p.lower() for p in phrases if p.isalpha())


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _deletion_index(words: Iterable[str]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for word in words:
        for key in _deletions(word):
            index.setdefault(key, set()).add(word)
    return index


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1]
        )
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]
