"""How often does the typo repair rewrite a real English word? (it should never)

Runs the normaliser's typo repair over the most frequent words of spaCy's English word list
(spacy-lookups-data `lexeme_prob`) and prints every word it would rewrite. A real word that gets
rewritten is a false positive: add it to `fuzzy.not_typos` in clinical_nlu/vocabulary.yml.

    python bench/nlu_context/fuzzy_false_positives.py [--top 100000] [--min-length 6]
"""

import argparse
import gzip
import json
from pathlib import Path

import spacy_lookups_data

from clinical_nlu.pipeline import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--top", type=int, default=100000, help="how many of the most frequent words"
    )
    parser.add_argument("--min-length", type=int, help="override fuzzy.min_length")
    args = parser.parse_args()

    # read the file itself: the loaded lookups table keeps only hashes of the words
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        probs = json.load(handle)
    words = sorted(((p, w) for w, p in probs.items()), reverse=True)
    normalizer = build().get_pipe("clinical_normalizer")
    if args.min_length:
        normalizer._min_length = args.min_length
    checked = rewrites = 0
    for _, word in words[: args.top]:
        if not word.isalpha():
            continue
        checked += 1
        target = normalizer._typo_target(word.lower())
        if target:
            rewrites += 1
            print(f"{word} -> {target}")
    print(f"{rewrites} of {checked} frequent words rewritten")


if __name__ == "__main__":
    main()
