"""spaCy component `clinical_normalizer`: norms, lemmas and typo repair.

Everything downstream matches on these attributes, so they are computed once per message:
- `token.norm_`: lower case, contractions expanded by the tokenizer ("n't" -> "not"), British
  spellings mapped to American (spacy-lookups-data `lexeme_norm`). Context cues match on it.
- `token.lemma_`: the lookup lemma of the norm (spacy-lookups-data `lemma_lookup`). Finding terms
  match on it.
- a misspelt word gets the norm and lemma of the word meant (spelling.py), and `doc._.as_read`
  is the message with those words repaired.
"""

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from clinical_nlu import vocabulary as vocab_mod
from clinical_nlu.spelling import Speller

# The message's words as the pipeline read them, misspellings repaired (spelling.py).
if not Doc.has_extension("as_read"):
    Doc.set_extension("as_read", default=None)


@Language.factory(
    "clinical_normalizer",
    default_config={"vocabulary": None},
    assigns=["token.norm", "token.lemma", "doc._.as_read"],
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
        self._speller = Speller(vocab)

    def __call__(self, doc: Doc) -> Doc:
        return self.normalize(doc, fix_typos=True)

    def normalize(self, doc: Doc, fix_typos: bool = False) -> Doc:
        """Set norms and lemmas (patterns are normalised the same way, without typo repair)."""
        read = []
        for token in doc:
            norm = self._norms.get(token.norm_, token.norm_)
            word = self._speller.correct(norm) if fix_typos else None
            token.norm_ = word or norm
            token.lemma_ = self.lemma(word or norm)
            read.append((word or token.text) + token.whitespace_)
        doc._.as_read = "".join(read)
        return doc

    def lemma(self, norm: str) -> str:
        return self._lemmas.get(norm, norm)
