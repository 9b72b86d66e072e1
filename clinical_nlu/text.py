"""Make raw chat text safe to tokenise while keeping character offsets into the original.

Clients paste HTML, type zero-width characters and direction marks, use curly quotes and odd
spacing. Tags and entities become a space, invisible format and control characters and lone
surrogates (which cannot even be encoded) are dropped, whitespace
runs shrink to one space (or one line break), and an offset map translates positions in the
cleaned text back to the original message. A run of more than MAX_WORD characters without a space
(a pasted hash, a row of emoji) is cut into pieces: no clinical word is that long, and spaCy's
tokenizer takes time quadratic in the length of such a run.
"""

import re
import unicodedata

_MARKUP = re.compile(r"<[^<>]{0,200}>|&#?\w{1,10};")
_QUOTES = {"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'"}
MAX_WORD = 40


def clean(text: str) -> tuple[str, list[int]]:
    """Return the cleaned text and, for each of its characters, the index in `text`."""
    chars: list[str] = []
    offsets: list[int] = []
    markup = {m.start(): m.end() for m in _MARKUP.finditer(text)}
    i = run = 0
    while i < len(text):
        if i in markup:
            _append_space(chars, offsets, " ", i)
            i = markup[i]
            continue
        ch = text[i]
        if ch.isspace():
            _append_space(chars, offsets, "\n" if ch in "\n\r\u2028\u2029" else " ", i)
        elif unicodedata.category(ch) not in (
            "Cf",
            "Cc",
            "Cs",
        ):  # invisible, control, lone surrogate
            run = run + 1 if chars and chars[-1] not in " \n" else 1
            if run > MAX_WORD:
                _append_space(chars, offsets, " ", i)
                run = 1
            chars.append(_QUOTES.get(ch, ch))
            offsets.append(i)
        i += 1
    return "".join(chars), offsets


def _append_space(chars: list[str], offsets: list[int], space: str, index: int) -> None:
    # One space per run; a line break in the run wins, because it ends a sentence.
    if chars and chars[-1] in " \n":
        if space == "\n":
            chars[-1] = "\n"
        return
    chars.append(space)
    offsets.append(index)


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of the cleaned text back to the original text."""
    return offsets[start], offsets[end - 1] + 1
