"""Spelling repair: a misspelt word is read as the word the client meant.

"chset pain since this mornin", "sudenly cant see proply", "no relpase", "frist one ever":
clients type fast, on phones, with tired or shaky hands, and many write English as a second
language. Before anything is matched, a word that no dictionary knows is read as its nearest
word: first a word of our own vocabulary (symptoms, body parts, the cue and answer words),
then an English word from symspellpy's frequency dictionary (it ships inside the package),
within one edit for a short word and two for a long one, the first letter kept.

What is never repaired: short words, words any dictionary knows, words with digits, and the
words clients write on purpose (`spelling.keep` in vocabulary.yml: "idk", "lol", "meds",
"didnt"). The repair only changes what the pipeline reads (token norms and lemmas, and the
message's words as read, `text_as_read`); the client's text and the stored message stay as
they were written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from spacy.lookups import load_lookups
from symspellpy import SymSpell, Verbosity

DICTIONARY = "frequency_dictionary_en_82_765.txt"
# Three-letter words are abbreviations as often as typos ("pre", "hlt", "nic").
MIN_LENGTH = 4


class Speller:
    """Repairs one lower-case word at a time (see the module docstring)."""

    def __init__(self, vocab: dict[str, Any]) -> None:
        spec = vocab["spelling"]
        # Shorter words have too many English neighbours ("pian": "pain", "plan", "pin"):
        # they are repaired only into a word of our own vocabulary.
        self._min_length = spec["min_length"]
        self._two_edits_from = spec["two_edits_from"]  # "proply" -> "properly"
        keep = {w.lower() for w in spec["keep"]}
        ours = {w for w in vocabulary_words(vocab) if len(w) >= 3} | keep
        self._keep = ours
        self._ours = SymSpell(max_dictionary_edit_distance=2)
        for word in ours:
            self._ours.create_dictionary_entry(word, 1)
        self._english = english()
        self._forms = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._lemmas = set(self._forms.values())

    def correct(self, word: str) -> str | None:
        """The word meant, or None when `word` stands as written."""
        if len(word) < MIN_LENGTH or not word.isalpha() or self.known(word):
            return None
        edits = 2 if len(word) >= self._two_edits_from else 1
        found = [(s.distance, 0, s.term) for s in self._ours.lookup(word, Verbosity.CLOSEST, edits)]
        if len(word) >= self._min_length:
            found += [(s.distance, 1, s.term)
                      for s in self._english.lookup(word, Verbosity.CLOSEST, edits)]
        # the nearest word; on a tie ours, the one with the longer start in common ("feets":
        # "feet", not "feels"), then the most frequent English word (lookup order: "frist" is
        # "first", not "frise")
        found = [f for f in found if f[2][0] == word[0] and f[2].isalpha()]
        if not found:
            return None
        return min(found, key=lambda f: (*f[:2], 0 if f[1] else -_common_start(word, f[2])))[2]

    def known(self, word: str) -> bool:
        return (word in self._keep or word in self._english.words or word in self._forms
                or word in self._lemmas)


@cache
def english() -> SymSpell:
    """symspellpy's English frequency dictionary, loaded once per process (~3 s)."""
    speller = SymSpell(max_dictionary_edit_distance=2)
    with resources.as_file(resources.files("symspellpy") / DICTIONARY) as path:
        speller.load_dictionary(str(path), term_index=0, count_index=1)
    return speller


def _common_start(a: str, b: str) -> int:
    shorter = min(len(a), len(b))
    return next((i for i in range(shorter) if a[i] != b[i]), shorter)


def vocabulary_words(node: Any) -> Iterator[str]:
    """Every word the vocabulary uses: its terms, body parts, cue and answer words."""
    if isinstance(node, str):
        yield from (w for w in node.lower().replace("'", " ").split() if w.isalpha())
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "keep":
                yield from vocabulary_words(value)
    elif isinstance(node, Iterable):
        for value in node:
            yield from vocabulary_words(value)
