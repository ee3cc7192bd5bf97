"""File and folder names made from book text.

Titles come from the text, so anything may be in them: slashes, `..`, control characters,
right-to-left marks, emoji, Windows device names, 500-character headings. Every name this
package writes passes through `safe_name`, which yields one path component that is valid on
Linux, macOS and Windows (and FAT-formatted players), never a path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from audiobook.model import Chapter

# Longest name component in UTF-8 bytes. File systems allow 255; staying well below leaves room
# for a suffix, the temporary-file prefix used while writing, and Windows' 260-character paths.
DEFAULT_MAX_NAME_BYTES = 150
UNTITLED = "Untitled"
UNKNOWN_AUTHOR = "Unknown Author"

# Characters that some file system rejects or gives a meaning, and what stands in for them.
_REPLACEMENTS = {
    ":": " -",
    "/": "-",
    "\\": "-",
    "|": "-",
    '"': "'",
    "*": "",
    "?": "",
    "<": "",
    ">": "",
}
# Windows device names are reserved with any extension: "CON", "con.mp3", "COM1.txt".
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
# Leading or trailing characters that hide a file, confuse a shell or vanish on Windows.
_EDGE_JUNK = " .-_"

_ROMAN = re.compile(r"^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or the to upon with".split()
)


def safe_name(
    text: str, *, max_bytes: int = DEFAULT_MAX_NAME_BYTES, fallback: str = UNTITLED
) -> str:
    """One portable path component made from arbitrary text; never empty, never a path."""
    name = _drop_unsafe_characters(unicodedata.normalize("NFC", text))
    name = " ".join(name.split()).strip(_EDGE_JUNK)
    name = truncate_utf8(name, max_bytes).rstrip(_EDGE_JUNK)
    if not name:
        name = fallback
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    return name


def _drop_unsafe_characters(text: str) -> str:
    """Replace separators, drop control/format characters and pictographs (and their marks)."""
    out: list[str] = []
    dropped_previous = True  # a combining mark at the very start has nothing to combine with
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            dropped_previous = False
        elif ch.isspace():
            out.append(" ")
            dropped_previous = False
        elif category[0] == "C" or category in ("So", "Sk"):
            # Cc/Cf/Co/Cs/Cn: controls, bidi marks, zero-width joiners, private use;
            # So/Sk: emoji and their skin-tone modifiers, which many players cannot show.
            dropped_previous = True
        elif category[0] == "M" and dropped_previous:
            continue  # variation selector or accent left over from a dropped character
        else:
            out.append(ch)
            dropped_previous = False
    return "".join(out)


def display_text(text: str) -> str:
    """Text from the book as a tag, mark title or playlist line shows it: one clean line.

    Control characters (NUL, escapes, line breaks) end or corrupt an ID3 frame, an
    FFMETADATA line or a playlist entry; they become spaces, runs of space become one, and
    a lone surrogate (from a JSON escape) becomes U+FFFD. Everything else is kept: tags may
    hold slashes, right-to-left marks and emoji, which file names may not.
    """
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(unicodedata.normalize("NFC", text).split())


def truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` that fits in `max_bytes` of UTF-8, cut between characters."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def display_case(text: str) -> str:
    """Title case for headings printed in capitals ("BOOK II" -> "Book II"); others unchanged."""
    if not any(c.isalpha() for c in text) or text != text.upper():
        return text
    words = text.split(" ")
    return " ".join(_case_word(word, first=i == 0) for i, word in enumerate(words))


def _case_word(word: str, *, first: bool) -> str:
    bare = word.strip(".,;:!?()[]'\"")
    if not bare or _ROMAN.match(bare) or "." in bare:
        return word  # roman numerals and initialisms (U.S.S.R.) stay in capitals
    lower = word.lower()
    if not first and bare.lower() in _SMALL_WORDS:
        return lower
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))


def _name_parts(chapter: Chapter) -> list[str]:
    """Innermost division, printed number (unless the title repeats it) and title."""
    parts = []
    if chapter.divisions:
        parts.append(display_case(chapter.divisions[-1].label.strip()))
    title = display_case(chapter.title.strip())
    number = (chapter.number or "").strip()
    if number and not title.upper().startswith(number.upper()):
        parts.append(number)
    parts.append(title)
    return [part for part in parts if part]


def chapter_display_name(chapter: Chapter) -> str:
    """How a chapter is named to a listener: `Book I - III - Peasants and Manual Workers`."""
    return display_text(" - ".join(_name_parts(chapter))) or UNTITLED


def chapter_stem(chapter: Chapter, total_chapters: int) -> str:
    """File name without suffix that sorts in reading order: `03 - Book I - III - Title`."""
    width = max(2, len(str(total_chapters)))
    prefix = f"{chapter.index:0{width}d}"
    # Each part is made safe on its own, so a "/" in a title cannot look like a separator.
    parts = [safe_name(part, fallback="") for part in _name_parts(chapter)]
    return safe_name(" - ".join([prefix, *(part for part in parts if part)]), fallback=prefix)


def book_folder(out_dir: Path, author: str | None, title: str) -> Path:
    """`out_dir/Author/Title`, the layout Audiobookshelf and most players scan for."""
    return out_dir / safe_name(author or "", fallback=UNKNOWN_AUTHOR) / safe_name(title)


def format_ranges(indexes: Iterable[int]) -> str:
    """Chapter numbers as compact ranges for a name: (1, 2, 3, 5) -> "1-3,5"."""
    parts: list[str] = []
    run: list[int] = []
    for index in sorted(set(indexes)):
        if run and index != run[-1] + 1:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(index)
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(parts)
