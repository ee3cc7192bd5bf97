"""Where notes are read (audiobook.notes): after their paragraph, at the chapter's end, or
not at all, for any input."""

from __future__ import annotations

import pytest

from audiobook.errors import UserError
from audiobook.model import NARRATOR, Chapter, Script, Segment, SegmentKind
from audiobook.notes import place_notes


def seg(kind: SegmentKind, text: str, page: str | None = None) -> Segment:
    return Segment(NARRATOR, kind, text, source_line=1, page=page)


SCRIPT = Script(
    title="T",
    author=None,
    speakers=(NARRATOR,),
    chapters=(
        Chapter(
            1,
            None,
            "One",
            segments=(
                seg(SegmentKind.HEADING, "One."),
                seg(SegmentKind.NARRATION, "A paragraph citing a note."),
                seg(SegmentKind.NOTE, "The note.", page="4"),
                seg(SegmentKind.NARRATION, "The next paragraph."),
            ),
        ),
    ),
)


def texts(script: Script) -> list[tuple[str, str, str | None]]:
    return [(s.kind.value, s.text, s.page) for s in script.chapters[0].segments]


def test_after_is_the_script_as_it_is() -> None:
    assert place_notes(SCRIPT, "after") is SCRIPT


def test_end_reads_the_notes_after_a_heading_at_the_chapters_end() -> None:
    assert texts(place_notes(SCRIPT, "end")) == [
        ("heading", "One.", None),
        ("narration", "A paragraph citing a note.", None),
        ("narration", "The next paragraph.", "4"),  # the page a note began keeps its place
        ("heading", "Notes.", None),
        ("note", "The note.", None),
    ]


def test_skip_leaves_notes_out_and_says_so() -> None:
    skipped = place_notes(SCRIPT, "skip")
    assert [t for t in texts(skipped) if t[0] == "note"] == []
    assert [(r.rule, r.text) for r in skipped.removed] == [("note-skipped", "The note.")]


def test_an_unknown_placement_is_a_user_error() -> None:
    with pytest.raises(UserError, match="--notes later: choose one of after, end, skip"):
        place_notes(SCRIPT, "later")
