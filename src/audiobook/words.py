"""A real English word list, for deciding whether a line-break hyphen belongs to the word."""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

# Debian's wbritish and wamerican packages; both, since books use either spelling.
WORD_LIST_PATHS = (
    Path("/usr/share/dict/british-english"),
    Path("/usr/share/dict/american-english"),
    Path("/usr/share/dict/words"),
)


@functools.cache
def english_words() -> frozenset[str]:
    """Lower-cased words from the system word lists (AUDIOBOOK_WORDLIST adds one more file)."""
    paths = list(WORD_LIST_PATHS)
    extra = os.environ.get("AUDIOBOOK_WORDLIST")
    if extra:
        paths.insert(0, Path(extra))
    words: set[str] = set()
    for path in paths:
        try:
            words.update(w.strip().lower() for w in path.read_text("utf-8", "replace").split())
        except OSError:
            continue
    if not words:
        log.warning(
            "no English word list found (apt-get install wbritish wamerican); "
            "hyphenated line breaks will be joined by a simpler rule"
        )
    return frozenset(words)


def is_english_word(word: str) -> bool:
    """True for a dictionary word, allowing plural and possessive endings the lists omit."""
    words = english_words()
    w = word.lower().strip("'’")
    if not w:
        return False
    if w in words:
        return True
    for suffix in ("'s", "’s", "s", "es", "ed", "ing", "ly"):
        if w.endswith(suffix) and w[: -len(suffix)] in words:
            return True
    return False


def have_word_list() -> bool:
    return bool(english_words())
