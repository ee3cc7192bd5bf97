"""Readable tables of a script, for a person checking what will be read and what was cut."""

from __future__ import annotations

import re
from collections import Counter

from audiobook.model import NARRATOR, Script, SegmentKind

# A steady audiobook narration pace; engines differ, this is for planning, not timing.
WORDS_PER_MINUTE = 155


WORD_RE = re.compile(r"\w+(?:['’]\w+)*")


def word_count(text: str) -> int:
    """Words counted one match at a time: a list of them all took 12x the text's memory."""
    return sum(1 for _ in WORD_RE.finditer(text))


def format_minutes(words: int) -> str:
    minutes = words / WORDS_PER_MINUTE
    return (
        f"{int(minutes // 60)}:{int(minutes % 60):02d}" if minutes >= 60 else f"{minutes:.0f} min"
    )


def summary_tables(script: Script) -> str:
    lines = [f"{script.title}" + (f" — {script.author}" if script.author else "")]
    if script.layout:
        lines.append(
            f"read as {script.layout}: {script.layout_reason} (--layout to choose another)"
        )
    lines += [f"language {script.language}", ""]
    lines.append(
        f"{'#':>3}  {'no.':<5} {'chapter':<46} {'path':<22} {'words':>6}  {'time':<6}"
        f" {'sections':>8} {'notes':>5}  pages"
    )
    total = 0
    for chapter in script.chapters:
        words = sum(word_count(s.text) for s in chapter.segments)
        total += words
        title = shortened(chapter.title, 46)
        path = shortened(" / ".join(d.label for d in chapter.divisions), 22)
        sections = sum(
            1 for s in chapter.segments if s.kind == SegmentKind.HEADING and (s.level or 1) > 1
        )
        notes = sum(1 for s in chapter.segments if s.kind == SegmentKind.NOTE)
        pages = [s.page for s in chapter.segments if s.page]
        page_range = f"{pages[0]}–{pages[-1]}" if len(pages) > 1 else "".join(pages) or "-"
        lines.append(
            f"{chapter.index:>3}  {chapter.number or '-':<5} {title:<46} "
            f"{path:<22} {words:>6}  {format_minutes(words):<6} {sections:>8} {notes:>5}  "
            f"{page_range}"
        )
    lines.append(f"{'':>3}  {'':<5} {'total':<46} {'':<22} {total:>6}  {format_minutes(total)}")
    lines += ["", f"{'speaker':<20} {'turns':>6} {'words':>8}"]
    turns: Counter[str] = Counter()
    words_by: Counter[str] = Counter()
    for chapter in script.chapters:
        previous = None
        for seg in chapter.segments:
            words_by[seg.speaker] += word_count(seg.text)
            if seg.kind == SegmentKind.SPEECH and seg.speaker != previous:
                turns[seg.speaker] += 1
            previous = seg.speaker if seg.kind == SegmentKind.SPEECH else previous
    for speaker in script.speakers:
        shown = turns[speaker] if speaker != NARRATOR else "-"
        lines.append(f"{speaker:<20} {shown!s:>6} {words_by[speaker]:>8}")
    if script.characters:
        lines += ["", f"{'character (--dialogue)':<24} {'lines':>6}  guessed"]
        lines += [
            f"{shortened(c.name, 24):<24} {c.lines:>6}  {c.gender or '-'}"
            for c in script.characters
        ]
    removed = Counter(r.rule for r in script.removed)
    if removed:
        lines += ["", "removed (audiobook inspect --removed lists each):"]
        lines += [f"  {rule:<20} {count:>5}" for rule, count in sorted(removed.items())]
    return "\n".join(lines)


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def removed_table(script: Script) -> str:
    if not script.removed:
        return "nothing was removed"
    if any(r.where for r in script.removed):  # an e-book: parts of files, not lines
        lines = [f"{'rule':<22} {'where':<34} text"]
        for r in script.removed:
            where = r.where or ""
            where = where if len(where) <= 34 else "…" + where[-33:]
            lines.append(f"{r.rule:<22} {where:<34} {shortened(r.text, 70)}")
        return "\n".join(lines)
    lines = [f"{'line':>6}  {'rule':<20} text"]
    for r in script.removed:
        lines.append(f"{r.line:>6}  {r.rule:<20} {shortened(r.text, 90)}")
    return "\n".join(lines)
