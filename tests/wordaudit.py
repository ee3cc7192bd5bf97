"""The "nothing lost" property as code: every source word, bar what a named rule removed,
appears in the script exactly once and in order."""

from __future__ import annotations

import html
import re

from audiobook.cleaning import (
    RULE_DOUBLED_WORD,
    RULE_FOOTNOTE,
    RULE_HYPHEN,
    clean_text,
    split_lines,
)
from audiobook.model import Script, SegmentKind
from audiobook.speakers import find_labels

WHOLE_LINE_RULES = {
    "table-of-contents",
    "page-number",
    "signature-mark",
    "running-header",
    "repeated-header",
    "scene-break",
    RULE_FOOTNOTE,
}
MARKUP_TOKENS = {"mathcal"}
# Rules whose lines are taken out of the text altogether, ending the paragraph before them
# (page numbers and running headers, by contrast, stand inside a paragraph).
GONE_RULES = {
    "table-of-contents",
    "etext-boilerplate",
    "list-of-illustrations",
    "illustration",
    "timestamp",
}
TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def tokens(text: str) -> list[str]:
    return [t.replace("-", "").lower() for t in TOKEN_RE.findall(text)]


def source_tokens(text: str, layout: str | None = None) -> tuple[list[tuple[str, int]], list[str]]:
    """(word, line) of everything that should be spoken, and the footnotes' words."""
    clean = clean_text(text, layout=layout)
    # printed texts join a word broken at a line end across blank lines; e-texts do not
    joins_across_blanks = clean.layout in ("ocr", "markdown", "transcript")
    lines = split_lines(text)
    by_number = {line.number: line.text.strip() for line in lines}
    whole_removals = [
        r
        for r in clean.removed
        if r.rule in WHOLE_LINE_RULES
        or (r.rule != RULE_DOUBLED_WORD and r.text == by_number.get(r.line))
    ]
    whole = {r.line for r in whole_removals}
    gone = {r.line for r in whole_removals if r.rule in GONE_RULES}
    heading_blocks = [
        b for b in clean.blocks if b.style in ("heading", "section", "numeral", "title")
    ]
    captions = {b.line for b in clean.blocks if b.style == "caption"}
    headings = {b.line for b in heading_blocks}
    for b in heading_blocks:  # a heading printed over several lines ("SIBERIA:" / "LAND OF …")
        heading_words = tokens(b.text)
        said = len(tokens(by_number.get(b.line, "")))  # the heading's words on its first line
        for n in range(b.line + 1, b.line + 6):
            if not by_number.get(n):
                continue  # a blank line between the heading's lines
            words = tokens(by_number[n])  # the next of the heading's words, whole, or not its
            if not words or heading_words[said : said + len(words)] != words:
                break
            headings.add(n)
            said += len(words)
    notes = [w for r in clean.removed if r.rule == RULE_FOOTNOTE for w in tokens(r.text)]
    scene_breaks = {r.line for r in clean.removed if r.rule == "scene-break"}
    fragment_lines = {r.line for r in clean.removed if r.text.endswith("-")}
    out: list[tuple[str, int]] = []
    join_next = False
    for line in lines:
        if line.number in headings or line.number in scene_breaks:
            join_next = False  # headings and scene breaks end a paragraph; page artefacts do not
            continue
        if not line.text.strip() and not joins_across_blanks:
            join_next = False
        if line.number in gone:
            join_next = False  # lines removed outright (contents, boilerplate) end a paragraph
        if line.number in whole or not line.text.strip():
            continue
        if line.number in captions:
            join_next = False  # a caption is never part of a paragraph
        words = tokens(html.unescape(line.text))  # "&amp;" is said "and", never "amp"
        if (
            join_next
            and words
            and out
            and line.text.lstrip()[:1].isalpha()
            and line.number not in fragment_lines
        ):
            word, _number = out.pop()
            words[0] = word + words[0]
        out.extend((w, line.number) for w in words)
        join_next = bool(re.search(r"[^\W\d_]-\s*$", line.text))
    # undone in the order cleaning did them: doubled words were removed last
    for removal in sorted(clean.removed, key=lambda r: r.rule == RULE_DOUBLED_WORD):
        if removal in whole_removals or removal.rule == RULE_HYPHEN or removal.line in whole:
            continue
        if removal.text.endswith("-"):  # a broken word's fragment, on the line before
            fragment = tokens(removal.text)[0]
            i = max(i for i, (w, n) in enumerate(out) if n < removal.line and w == fragment)
            del out[i]
            continue
        delete_tokens(out, tokens(removal.text), removal.line, removal.rule == RULE_DOUBLED_WORD)
    return out, notes


def delete_tokens(out: list[tuple[str, int]], words: list[str], line: int, doubled: bool) -> None:
    start = next((i for i, (_, n) in enumerate(out) if n >= line), len(out))
    target = [words[0], *words] if doubled else words
    for i in range(start, len(out) - len(target) + 1):
        if [w for w, _ in out[i : i + len(target)]] == target:
            del out[i : i + len(words)]
            return
    raise AssertionError(f"removed text {words} not found from line {line}")


def lost_words(text: str, script: Script) -> list[str]:
    """Problems found; an empty list means nothing was lost, doubled or reordered."""
    expected, notes = source_tokens(text, script.layout)
    spoken: list[str] = []
    noted: list[str] = []
    for chapter in script.chapters:
        for seg in chapter.segments:
            if seg.kind == SegmentKind.NOTE:
                noted += tokens(seg.text)
            elif seg.kind != SegmentKind.HEADING:
                spoken += tokens(seg.text)
    # labels are read as voices, not words: the names as printed ("Socr.", "Q") and as cast
    printed = [
        label
        for _, label in find_labels(b.text for b in clean_text(text, script.layout).blocks).speakers
    ]
    labels = {t for name in [*script.speakers, *printed] for t in tokens(name)}
    problems = []
    i = j = 0
    while i < len(expected) and j < len(spoken):
        word, line = expected[i]
        if word == spoken[j]:
            i += 1
            j += 1
        elif word in labels or word in MARKUP_TOKENS:
            i += 1
        elif word.isdigit() and i + 1 < len(expected) and expected[i + 1][0] in labels:
            i += 1  # "2. _Socr._": a dialogue's section number, read as part of its label
        else:
            context = " ".join(w for w, _ in expected[i : i + 8])
            problems.append(f"line {line}: expected {context!r}, script has {spoken[j : j + 8]}")
            break
    if not problems:
        rest = [w for w, _ in expected[i:] if w not in labels]
        if rest:
            problems.append(f"words never spoken: {rest[:12]}")
        if spoken[j:]:
            problems.append(f"words spoken that are not in the source: {spoken[j : j + 12]}")
    if sorted(noted) != sorted(notes):
        problems.append("footnote words differ from the notes")
    return problems
