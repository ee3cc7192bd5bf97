"""Cleaning: take out what a listener must never hear, repair what OCR broke, lose nothing else.

The text's layout (`audiobook.layouts`) is chosen from the text, and its rules run in order
(`audiobook.rules`). Whatever a rule takes out of the spoken text is recorded as a Removal
(rule, source line, text) so `audiobook inspect --removed` can show it. The stage is pure:
text in, CleanText out.
"""

from __future__ import annotations

from audiobook.language import detect_language
from audiobook.layouts import LayoutChoice, choose_layout
from audiobook.model import BlockStyle, CleanText, SourceLine
from audiobook.rules import Draft, pieces_of
from audiobook.rules.paragraphs import RULE_DUPLICATE, RULE_HYPHEN, RULE_PASTE_REPEAT
from audiobook.rules.printed import (
    RULE_DOUBLED_WORD,
    RULE_FOOTNOTE,
    RULE_PAGE_NUMBER,
    RULE_RUNNING_HEADER,
    RULE_SCENE_BREAK,
    RULE_SIGNATURE,
    RULE_TOC,
)
from audiobook.textforms import split_lines, strip_inline_markup

__all__ = [
    "RULE_DOUBLED_WORD",
    "RULE_DUPLICATE",
    "RULE_FOOTNOTE",
    "RULE_HYPHEN",
    "RULE_PAGE_NUMBER",
    "RULE_PASTE_REPEAT",
    "RULE_RUNNING_HEADER",
    "RULE_SCENE_BREAK",
    "RULE_SIGNATURE",
    "RULE_TOC",
    "clean_text",
    "run_layout",
    "split_lines",
]


def run_layout(lines: list[SourceLine], choice: LayoutChoice) -> Draft:
    """Every rule of the chosen layout, in order, over the text's lines."""
    draft = Draft(pieces=pieces_of(lines), damaged=choice.damaged)
    for rule in choice.layout.rules:
        draft = rule.apply(draft)
    return draft


def clean_text(text: str, layout: str | None = None, language: str | None = None) -> CleanText:
    """Raw text -> paragraphs fit to be read aloud, with every removal recorded.

    `layout` forces a layout by name; `language` (ISO 639-1) overrides detection.
    """
    lines = split_lines(text)  # once: a long book's lines are many
    choice = choose_layout(lines, layout)
    draft = run_layout(lines, choice)
    blocks = draft.blocks or ()
    facts = draft.facts
    spoken = " ".join(b.text for b in blocks if b.style == BlockStyle.PARAGRAPH)
    found_language = language or facts.language or detect_language(spoken)
    return CleanText(
        blocks=blocks,
        removed=tuple(sorted(draft.removed, key=lambda r: r.line)),
        layout=choice.layout.name,
        layout_reason=choice.reason,
        damaged=choice.damaged,
        toc=facts.toc,
        title=strip_inline_markup(facts.title) if facts.title else None,
        author=facts.author,
        year=facts.year,
        language=found_language,
        persons=facts.persons,
    )
