"""A real English word list, for deciding whether a line-break hyphen belongs to the word
and whether a speaker's label is an ordinary word.

The system's lists are always read; one more list (Settings.word_list, AUDIOBOOK_WORDLIST)
can be added for a run of the text half: `pipeline.text_to_script(word_list=…)` binds it
with `extra_word_list` for the cleaning rules and speaker attribution it calls, which ask
`is_english_word` deep inside their own steps. Outside such a block only the system's lists
are read, whatever the environment says.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

log = logging.getLogger(__name__)

# Debian's wbritish and wamerican packages; both, since books use either spelling.
WORD_LIST_PATHS = (
    Path("/usr/share/dict/british-english"),
    Path("/usr/share/dict/american-english"),
    Path("/usr/share/dict/words"),
)

# The extra list of the text half running in this thread (or task), if any.
_extra: ContextVar[Path | None] = ContextVar("extra_word_list", default=None)


@contextmanager
def extra_word_list(path: Path | None) -> Iterator[None]:
    """Within the block, the words of `path` count as English too (None: the system's only)."""
    token = _extra.set(path)
    try:
        yield
    finally:
        _extra.reset(token)


@functools.cache
def english_words(extra: Path | None = None) -> frozenset[str]:
    """Lower-cased words from the system word lists, and from `extra` when given."""
    paths = [extra, *WORD_LIST_PATHS] if extra is not None else list(WORD_LIST_PATHS)
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
    words = english_words(_extra.get())
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
    return bool(english_words(_extra.get()))
