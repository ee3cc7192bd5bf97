"""`audiobook preview`: the opening seconds of a chapter, levelled like the book, to try a cast.

Only the opening segments are synthesised: a guess from the word count first, doubled (the
clips already made come from the cache) while the audio is still too short.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from pathlib import Path

from audiobook import ffmpeg
from audiobook.bookfolder import write_atomically
from audiobook.build import Synthesizer
from audiobook.errors import UserError
from audiobook.model import Cast, Script
from audiobook.settings import Settings
from audiobook.stitching import master_chapter, plan_chapter

# Speech runs at 2.5-3 words a second; asking for more text than the sample needs costs a
# little synthesis, asking for less would leave the sample short.
_PREVIEW_WORDS_PER_SECOND = 4.0
PREVIEW_SUFFIXES = (".wav", ".mp3", ".opus", ".ogg", ".m4a", ".flac")


def preview_script(script: Script, chapter: int, words: int) -> Script:
    """The script cut down to the opening of one chapter: segments until `words` words."""
    if not 1 <= chapter <= len(script.chapters):
        raise UserError(f"--chapter {chapter}: the book has chapters 1 to {len(script.chapters)}")
    source = script.chapters[chapter - 1]
    segments = []
    count = 0
    for segment in source.segments:
        if count >= words:
            break
        segments.append(segment)
        count += len(segment.text.split())
    chapters = [*script.chapters]
    chapters[chapter - 1] = replace(source, segments=tuple(segments))
    return replace(script, chapters=tuple(chapters))


def make_preview(
    script: Script,
    cast: Cast,
    dest: Path,
    *,
    chapter: int = 1,
    seconds: float = 30.0,
    synthesize: Synthesizer | None = None,
    config: Settings | None = None,
) -> float:
    """Write the first `seconds` of a chapter to `dest`; the length written. `config` gives
    the cache and the engines' setup (None: Settings())."""
    if dest.suffix.lower() not in PREVIEW_SUFFIXES:
        raise UserError(f"{dest}: write a preview as one of {', '.join(PREVIEW_SUFFIXES)}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise UserError(f"--seconds {seconds:g}: give a length above zero, in seconds")
    if not 1 <= chapter <= len(script.chapters):
        raise UserError(f"--chapter {chapter}: the book has chapters 1 to {len(script.chapters)}")
    if synthesize is None:
        from audiobook.synthesis import synthesize_script

        synthesize = synthesize_script
    in_chapter = sum(len(s.text.split()) for s in script.chapters[chapter - 1].segments)
    words = max(1, min(in_chapter, round(min(seconds, 1e9) * _PREVIEW_WORDS_PER_SECOND)))
    while True:
        short = preview_script(script, chapter, words)
        [audio] = synthesize(short, cast, config=config, chapters=[chapter])
        plan = plan_chapter(audio, cast.pauses, head_ms=250, tail_ms=0)
        whole = len(short.chapters[chapter - 1].segments) == len(
            script.chapters[chapter - 1].segments
        )
        if plan.duration_s >= seconds or whole:
            break
        words *= 2
    length = min(seconds, plan.duration_s)
    fade = min(0.5, length / 4)
    with tempfile.TemporaryDirectory() as tmp:
        mastered = master_chapter(plan, Path(tmp) / "preview.wav")
        write_atomically(
            [dest],
            lambda temps: ffmpeg.cut_preview(
                mastered.wav, temps[0], length_s=length, fade_s=fade, fmt=ffmpeg.muxer_for(dest)
            ),
        )
    return length
