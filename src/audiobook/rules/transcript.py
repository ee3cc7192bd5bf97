"""Rules for transcripts: timestamps are data, never speech."""

from __future__ import annotations

import re
from dataclasses import replace

from audiobook.model import Removal
from audiobook.rules import GONE, HEADER, TEXT, Draft, Rule, with_pieces

RULE_TIMESTAMP = "timestamp"
RULE_DATA = "transcript-data"
# "_page : 148", "_tape :": a transcript's bookkeeping, a field name and its value
DATA_LINE_RE = re.compile(r"^_[a-z][a-z_]*\s*:")

# [00:04:03], [4:03], (00:04:03.15), 00:04:03 alone, and mission time counted in days and
# from before the start, [-00:00:00:03]; escapes were undone before this rule.
STAMP = r"-?\d{1,3}(?::\d{2}){1,3}(?:[.,]\d{1,3})?"
TIMESTAMP_RE = re.compile(rf"[\[(]{STAMP}[\])]|(?<![\w:]){STAMP}(?![\w:])")
# "Jane Doe  0:05", "**Speaker 2** 00:01:02": a speaker's name, then the time, on a line
TRAILING_RE = re.compile(
    rf"^(?P<name>(?:\*\*)?[A-Z][\w'’.-]*(?: [A-Z0-9][\w'’.-]*){{0,3}}(?:\*\*)?:?)\s+"
    rf"(?P<stamp>[\[(]?{STAMP}[\])]?)\s*$"
)
TIMESTAMP_LINE_RE = re.compile(rf"^\s*(?:[\[(]?{STAMP}[\])]?\s*(?:(?:-->|[-–—])\s*)?)+$")
# A subtitle file's cue (SRT): its number, then "00:00:05,758 --> 00:00:07,452"; the words
# run on from cue to cue, so these are page furniture, not paragraph ends.
CUE_TIMES_RE = re.compile(rf"^\s*{STAMP}\s*-->\s*{STAMP}\s*$")
# A timestamp in brackets anywhere, or a bare one at the start of a turn or after its label.
BRACKETED_RE = re.compile(rf"\s*[\[(]{STAMP}[\])]")
# Inside a bracket ("[unintelligible 01:06:52.23]"), or anywhere with hours or fractions of a
# second, which no time of day has: "01:06:52.23".
EMBEDDED_RE = re.compile(
    rf"\s*(?:(?<=[\[(])\s*{STAMP}(?=\s*[\])])|(?<=\s){STAMP}(?=\s*[\])])|"
    r"(?<![\w:])-?\d{1,3}:\d{2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?(?![\w:])"
    r"|(?<![\w:])\d{1,2}:\d{2}[.,]\d{1,3}(?![\w:]))"
)
# A bare time at the start of a turn is a timestamp only with seconds ("0:00:13.8 …",
# "Jane: 00:04:03 …") or a dash after it ("Ann: 04:03 - Welcome"); "Q: 10:30, I think."
# says a time of day.
LONG_STAMP = r"-?\d{1,3}(?::\d{2}){2,3}(?:[.,]\d{1,3})?|\d{1,2}:\d{2}[.,]\d{1,3}"
LEADING_RE = re.compile(
    rf"^((?:\*\*[^*]{{1,60}}\*\*:?|[A-Za-z][^\s:]{{0,39}}(?:\s[^\s:]{{1,40}}){{0,3}}:)?\s*)"
    rf"(?:{LONG_STAMP}|{STAMP}(?=\s*[-–—]\s))\s*[-–—]?\s*"
)


def _timestamps(draft: Draft) -> Draft:
    pieces = []
    removed: list[Removal] = []
    for piece in draft.pieces:
        if piece.kind != TEXT or ":" not in piece.text:
            pieces.append(piece)
            continue
        if DATA_LINE_RE.match(piece.text):
            removed.append(Removal(RULE_DATA, piece.line, piece.text))
            pieces.append(replace(piece, kind=GONE))
            continue
        if CUE_TIMES_RE.match(piece.text):
            removed.append(Removal(RULE_TIMESTAMP, piece.line, piece.text))
            pieces.append(replace(piece, kind=HEADER))
            number = pieces[-2] if len(pieces) > 1 else None
            if number is not None and number.kind == TEXT and number.text.isdigit():
                removed.append(Removal(RULE_TIMESTAMP, number.line, number.text))
                pieces[-2] = replace(number, kind=HEADER)
            continue
        if TIMESTAMP_LINE_RE.match(piece.text):
            removed.append(Removal(RULE_TIMESTAMP, piece.line, piece.text))
            pieces.append(replace(piece, kind=GONE))
            continue
        text = piece.text
        for m in BRACKETED_RE.finditer(text):
            removed.append(Removal(RULE_TIMESTAMP, piece.line, m.group(0).strip()))
        text = BRACKETED_RE.sub("", text)
        for m in EMBEDDED_RE.finditer(text):
            removed.append(Removal(RULE_TIMESTAMP, piece.line, m.group(0).strip()))
        text = EMBEDDED_RE.sub("", text)
        leading = LEADING_RE.match(text)
        stamp = leading.group(0)[len(leading.group(1)) :] if leading else ""
        if leading and re.search(STAMP, stamp):
            removed.append(Removal(RULE_TIMESTAMP, piece.line, stamp.strip()))
            text = leading.group(1) + text[leading.end() :]
        trailing = TRAILING_RE.match(text)
        if trailing:  # "Jane Doe  0:05" over the speech: the name labels the turn below
            removed.append(Removal(RULE_TIMESTAMP, piece.line, trailing.group("stamp")))
            text = trailing.group("name").rstrip(":") + ":"
        text = text.strip()
        pieces.append(replace(piece, text=text) if text != piece.text else piece)
    return with_pieces(draft, pieces, removed)


TIMESTAMPS = Rule(RULE_TIMESTAMP, _timestamps, "[00:04:03] and the like are not spoken")
