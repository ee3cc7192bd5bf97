"""How headings are said aloud: "Book three. Chapter four. Return to Moscow.", not "I I I"."""

from __future__ import annotations

import re

from audiobook.saying import number_to_words
from audiobook.textforms import NUMBER_WORDS, roman_to_int

SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or the to with vs via".split()
)
# Numbers written as words in a label ("PART ONE", "Book the First"), by value.
ORDINAL_LABELS = {"zero": 0} | {w: i for i, w in enumerate(NUMBER_WORDS, start=1)} | {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
}  # fmt: skip


def title_case(text: str) -> str:
    """An all-capitals printed title in ordinary title case, keeping G.P.U. and II."""
    if any(ch.islower() for ch in text):
        return text
    words = text.split(" ")
    out = []
    capitalise_next = True
    for i, word in enumerate(words):
        core = word.strip("\"'“”‘’()[],.;:!?")
        lower = word.lower()
        if re.fullmatch(r"(?:[A-Z]\.){2,}[A-Z]?\.?", core + ("." if word.endswith(".") else "")):
            out.append(word)  # G.P.U., U.S.S.R.
        elif re.fullmatch(r"[IVXLC]{2,}", core) and core not in {"CIVIL", "LIV"}:
            out.append(word)  # Roman numerals: NICHOLAS II
        elif lower.strip("\"'“‘(") in SMALL_WORDS and not capitalise_next and i < len(words) - 1:
            out.append(lower)
        else:
            out.append(
                re.sub(r"[^\W\d_]+(?:['’][^\W\d_]+)*", lambda m: m.group(0).capitalize(), lower)
            )
        capitalise_next = word.endswith((":", "—", "-", "!", "?"))
    return " ".join(out)


def with_full_stop(text: str) -> str:
    """Headings end with a full stop so every engine pauses after them."""
    text = text.strip()
    return text if re.search(r"[.!?…]$", text) else text + "."


def label_to_words(label: str) -> str:
    """ "PART ONE" -> "Part One", "BOOK III" -> "Book Three"."""
    kind, _, number = label.partition(" ")
    value = roman_to_int(number.upper()) if number else None
    if value is None and number.isdigit():
        value = int(number)
    if value is None:
        value = ORDINAL_LABELS.get(number.lower())
    spoken_number = number_to_words(value) if value is not None else number.lower()
    return f"{kind.capitalize()} {spoken_number.title()}".strip()


def spoken_heading(label: str | None, title: str | None) -> str:
    """ "Chapter Four. Return to Moscow." from ("Chapter Four", "RETURN TO MOSCOW")."""
    parts = [with_full_stop(p) for p in (label, title_case(title) if title else None) if p]
    return " ".join(parts)
