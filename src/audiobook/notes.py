"""Where footnotes are read: after the paragraph that cites them (the default), all together
at the end of their chapter, or not at all (`--notes after|end|skip`).

A Script-to-Script step after speakers are known, so it serves every input alike: a
plain text's footnotes, an EPUB's notes and endnotes, a PDF's notes at the foot of a page.
"""

from __future__ import annotations

from dataclasses import replace

from audiobook.errors import UserError
from audiobook.model import NARRATOR, Chapter, Removal, Script, Segment, SegmentKind

NOTES_AFTER = "after"
NOTES_END = "end"
NOTES_SKIP = "skip"
NOTE_PLACEMENTS = (NOTES_AFTER, NOTES_END, NOTES_SKIP)
NOTES_HEADING = "Notes."  # said before a chapter's notes read at its end
RULE_NOTES_SKIPPED = "note-skipped"


def place_notes(script: Script, placement: str = NOTES_AFTER) -> Script:
    """The script with its note segments where `placement` says."""
    if placement not in NOTE_PLACEMENTS:
        raise UserError(f"--notes {placement}: choose one of {', '.join(NOTE_PLACEMENTS)}")
    if placement == NOTES_AFTER:
        return script
    chapters: list[Chapter] = []
    removed: list[Removal] = []
    for chapter in script.chapters:
        kept, notes = split_notes(chapter.segments)
        if placement == NOTES_END and notes:
            level = 2 if any(s.kind == SegmentKind.HEADING for s in kept) else 1
            heading = Segment(
                NARRATOR,
                SegmentKind.HEADING,
                NOTES_HEADING,
                source_line=notes[0].source_line,
                level=level,
            )
            kept = (*kept, heading, *notes)
        elif placement == NOTES_SKIP:
            removed += [
                Removal(RULE_NOTES_SKIPPED, n.source_line or chapter.source_line or 1, n.text)
                for n in notes
            ]
        chapters.append(replace(chapter, segments=kept))
    return replace(script, chapters=tuple(chapters), removed=(*script.removed, *removed))


def split_notes(segments: tuple[Segment, ...]) -> tuple[tuple[Segment, ...], list[Segment]]:
    """The segments without their notes, and the notes; a note's print page and scene
    break move to the segment after it, so page navigation keeps every page."""
    kept: list[Segment] = []
    notes: list[Segment] = []
    page: str | None = None
    scene_break = False
    for segment in segments:
        if segment.kind == SegmentKind.NOTE:
            page = page or segment.page
            scene_break = scene_break or segment.scene_break_before
            notes.append(replace(segment, page=None, scene_break_before=False))
            continue
        if page or scene_break:
            segment = replace(
                segment,
                page=segment.page or page,
                scene_break_before=segment.scene_break_before or scene_break,
            )
            page, scene_break = None, False
        kept.append(segment)
    return tuple(kept), notes
