"""Pronunciation lexicon: whole-word replacements applied to text just before synthesis.

Engines guess names from spelling ("Ciliga" as "Silliga") and read some abbreviations
letter by letter and others as words. A cast's lexicon says how to say them; a few English
abbreviations are built in, and dotted initialisms ("N.K.V.D.") are spelled out by rule.
What the lexicon respells, no rule of audiobook.saying changes again.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from audiobook.errors import UserError

# Latin and other abbreviations read the same in every English text. A cast's entries win.
BUILTIN_LEXICON = {
    "i.e.": "that is",
    "e.g.": "for example",
    "viz.": "namely",
    "cf.": "compare",
    "etc.": "et cetera",
    "approx.": "approximately",
    "vs.": "versus",
    "&": "and",
}

# A dot-ended abbreviation that also ended its sentence keeps that full stop when the next
# word starts a sentence (or the text ends), so sentence splitting and intonation survive.
# …except abbreviations that introduce what follows and so never end a sentence before a
# word ("e.g. Stalin", "Mr. Smith").
_NEVER_ENDS_BEFORE_A_WORD = frozenset(
    {"i.e.", "e.g.", "viz.", "cf.", "approx.", "vs."}
    | {"mr.", "mrs.", "ms.", "dr.", "prof.", "rev.", "messrs."}
)
_SENTENCE_GOES_ON = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_INITIALISM = re.compile(r"(?<![\w.])[A-Za-z]\.(?:[A-Za-z]\.)*[A-Za-z]\.?(?!\w)")


# A respelling of the text: (start, end, spoken form), by character offsets.
Respelling = tuple[int, int, str]


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """The text as it should be spoken: cast entries, built-in entries, then initialisms.

    Synthesis speaks audiobook.saying.spoken_form, which is this and the rules for numbers,
    dates and abbreviations."""
    return respelled(text, lexicon_respellings(text, lexicon))


def lexicon_respellings(
    text: str, lexicon: Mapping[str, str], *, builtin: bool = True
) -> list[Respelling]:
    """Where the lexicon respells a text, in order and never overlapping: its entries (a
    cast's over the built-in ones, unless `builtin` is false; the longest key first), then
    dotted initialisms that no entry names."""
    entries = {**BUILTIN_LEXICON, **lexicon} if builtin else dict(lexicon)
    found = _compiled(tuple(sorted(entries.items())))(text)
    spelled = [(m.start(), m.end(), _spell(m)) for m in _INITIALISM.finditer(text)]
    if not found:
        return spelled
    merged, taken = list(found), iter(found)
    entry = next(taken, None)
    for start, end, spoken in spelled:
        while entry is not None and entry[1] <= start:
            entry = next(taken, None)
        if entry is None or end <= entry[0]:
            merged.append((start, end, spoken))
    return sorted(merged)


def respelled(text: str, respellings: list[Respelling]) -> str:
    """The text with each respelling's stretch replaced by its spoken form."""
    pieces, last = [], 0
    for start, end, spoken in respellings:
        pieces += [text[last:start], spoken]
        last = end
    return "".join(pieces) + text[last:]


def _spell(match: re.Match[str]) -> str:
    """ "N.K.V.D." -> "N K V D", keeping a full stop that ended the sentence.

    Two letters before a capitalised word are taken for a name's initials ("J.M. Keynes"),
    whose dot ends nothing.
    """
    letters = match.group(0).replace(".", "").upper()
    spoken = " ".join(letters)
    rest = match.string[match.end() :]
    if len(letters) == 2 and rest.strip():
        return spoken
    return keep_full_stop(match, spoken)


def keep_full_stop(match: re.Match[str], spoken: str) -> str:
    """The spoken form of a dot-ended abbreviation, with the full stop kept where the
    abbreviation also ended its sentence."""
    key = match.group(0)
    if not key.endswith(".") or spoken.endswith("."):
        return spoken
    rest = match.string[match.end() :]
    if not rest.strip():
        return spoken + "."
    if key.lower() in _NEVER_ENDS_BEFORE_A_WORD:
        return spoken
    if _SENTENCE_GOES_ON.match(rest):
        return spoken + "."
    return spoken


@functools.lru_cache(maxsize=32)
def _compiled(items: tuple[tuple[str, str], ...]) -> Callable[[str], list[Respelling]]:
    """A function finding these entries in one pass, longest key first.

    A key written in lower case also matches its capitalised form ("kulak", "Kulak"), and
    the replacement is capitalised to match; any other key matches exactly as written.
    """
    variants: dict[str, str] = {}
    for key, spoken in items:
        variants[key] = spoken
        if key[:1].islower():
            variants.setdefault(key[:1].upper() + key[1:], spoken[:1].upper() + spoken[1:])
    if not variants:
        return lambda text: []
    keys = sorted(variants, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w])")
    return lambda text: [
        (m.start(), m.end(), keep_full_stop(m, variants[m.group(0)]))
        for m in pattern.finditer(text)
    ]


def lexicon_from_toml(data: Mapping[str, object], source: str) -> dict[str, str]:
    """Entries of a `[lexicon]` table, checked: every key and value a non-empty string."""
    table = data.get("lexicon", {})
    if not isinstance(table, dict):
        raise UserError(f'{source}: [lexicon] must be a table of "word" = "spoken form"')
    for key, value in table.items():
        if not isinstance(value, str) or not key.strip() or not value.strip():
            raise UserError(
                f"{source}: lexicon entry {key!r} must map a word to a non-empty string"
            )
    return dict(table)


def read_toml(path: Path, what: str) -> dict[str, object]:
    """A TOML file's contents; a missing or malformed file is the user's to fix."""
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as e:
        raise UserError(f"{path}: cannot read {what} file ({e.strerror})") from e
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not a {what} file (not UTF-8 text)") from e
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{path}: not valid TOML ({e})") from e


def load_lexicon(path: Path) -> dict[str, str]:
    """The `[lexicon]` table of a TOML file of its own."""
    return lexicon_from_toml(read_toml(path, "lexicon"), str(path))
