"""WebVTT captions per chapter: a cue per segment, the speaker as a voice tag.

Timed from the stitched audio itself, so read-along players and braille displays follow the
voice exactly.
"""

from __future__ import annotations

from pathlib import Path

from audiobook.filenames import display_text
from audiobook.model import ChapterOutput, ChapterPlan
from audiobook.tagging import vorbis_time
from audiobook.writers.base import ChapterWriter


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _voice(speaker: str) -> str:
    """A voice annotation may hold neither `>` nor a line break."""
    return _escape(display_text(speaker))


def plan_to_vtt(plan: ChapterPlan) -> str:
    """The chapter's captions as WebVTT text."""
    lines = ["WEBVTT", ""]
    for number, timing in enumerate(plan.timings, start=1):
        text = display_text(timing.segment.text)
        lines.append(str(number))
        lines.append(f"{vorbis_time(timing.start_s)} --> {vorbis_time(timing.end_s)}")
        lines.append(f"<v {_voice(timing.segment.speaker)}>{_escape(text)}")
        lines.append("")
    return "\n".join(lines)


class VttWriter(ChapterWriter):
    NAME = "vtt"
    SUFFIX = ".vtt"

    def write(self, chapter: ChapterOutput, dest: Path) -> None:
        dest.write_text(plan_to_vtt(chapter.plan), encoding="utf-8")
