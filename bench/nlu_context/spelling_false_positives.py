"""How often does the spelling repair rewrite a real English word? (it should never)

Runs the repair (clinical_nlu/spelling.py) over the most frequent words of spaCy's English word
list (spacy-lookups-data `lexeme_prob`), a list independent of the repair's own dictionary, and
prints every word it would rewrite. A real word that gets rewritten is a false positive: add it
to `spelling.keep` in clinical_nlu/vocabulary.yml.

    python -m bench.nlu_context.spelling_false_positives [--top 100000]
"""

import argparse
import gzip
import json
from pathlib import Path

import spacy_lookups_data

from clinical_nlu import vocabulary
from clinical_nlu.spelling import Speller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--top", type=int, default=100000, help="how many of the most frequent words"
    )
    args = parser.parse_args()

    # read the file itself: the loaded lookups table keeps only hashes of the words
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        probs = json.load(handle)
    words = sorted(((p, w) for w, p in probs.items()), reverse=True)
    speller = Speller(vocabulary.cached())
    checked = rewrites = 0
    for _, word in words[: args.top]:
        if not word.isalpha():
            continue
        checked += 1
        target = speller.correct(word.lower())
        if target:
            rewrites += 1
            print(f"{word} -> {target}")
    print(f"{rewrites} of {checked} frequent words rewritten")


if __name__ == "__main__":
    main()
