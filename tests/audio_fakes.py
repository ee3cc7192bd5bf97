"""A fast fake of synthesis for tests of stitching, writers and build logic.

Each sentence becomes a tone of known length, pitch and loudness per speaker, written once
into a cache folder under a name made from its text (as the real cache does), so rebuilds
see unchanged clips. Never a stand-in for the real end-to-end test (tests/test_build.py).
"""

from __future__ import annotations

import array
import hashlib
import math
import subprocess
import wave
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    Cast,
    Chapter,
    ChapterAudio,
    Division,
    Script,
    Segment,
    SegmentAudio,
    SegmentKind,
    VoiceSettings,
)
from audiobook.settings import Settings

if TYPE_CHECKING:
    from audiobook.build import BuildResult

SECONDS_PER_CHARACTER = 0.01
# Each speaker has its own pitch and a very different loudness, to test voice levelling.
VOICES = {"Narrator": (220.0, 0.5), "Wells": (330.0, 0.1), "Stalin": (165.0, 0.8)}


def write_tone(path: Path, seconds: float, *, freq: float = 220.0, amplitude: float = 0.3) -> Path:
    """A mono 16-bit sine tone at the package's sample rate."""
    n = round(seconds * AUDIO_SAMPLE_RATE_HZ)
    scale = amplitude * 32767
    step = 2 * math.pi * freq / AUDIO_SAMPLE_RATE_HZ
    samples = array.array("h", (round(scale * math.sin(step * i)) for i in range(n)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(AUDIO_SAMPLE_RATE_HZ)
        w.writeframes(samples.tobytes())
    return path


def tone_chapter(tmp_path: Path, layout: list[tuple[Segment, list[float]]]) -> ChapterAudio:
    """A chapter whose segments are tones of the given lengths in seconds."""
    segments = [segment for segment, _ in layout]
    chapter = Chapter(1, None, "Test", segments=tuple(segments))
    audio = []
    for i, (_, lengths) in enumerate(layout):
        clips = tuple(
            write_tone(tmp_path / f"s{i}c{j}.wav", seconds) for j, seconds in enumerate(lengths)
        )
        audio.append(SegmentAudio(1, i, clips, sum(lengths)))
    return ChapterAudio(chapter, tuple(audio))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in text.replace("?", ".").split(".") if s.strip()]


def fake_synthesize(
    script: Script,
    cast: Cast,
    *,
    config: Settings | None = None,
    progress=None,
    chapters=None,
) -> list[ChapterAudio]:
    """synthesize_script's shape: a tone per sentence, cached by text and speaker."""
    assert config is not None, "the fake needs Settings with a cache folder"
    cache_dir = config.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    result = []
    for chapter in script.chapters:
        if chapters is not None and chapter.index not in chapters:
            continue
        segment_audio = []
        for number, segment in enumerate(chapter.segments):
            freq, amplitude = VOICES.get(segment.speaker, (440.0, 0.3))
            clips = []
            for sentence in sentences(segment.text):
                digest = hashlib.sha1(f"{segment.speaker}|{sentence}".encode()).hexdigest()
                path = cache_dir / f"{digest[:16]}.wav"
                if not path.exists():
                    seconds = SECONDS_PER_CHARACTER * len(sentence)
                    write_tone(path, seconds, freq=freq, amplitude=amplitude)
                clips.append(path)
            duration = sum(clip_seconds(p) for p in clips)
            segment_audio.append(SegmentAudio(chapter.index, number, tuple(clips), duration))
            if progress is not None:
                progress(number + 1, len(chapter.segments))
        result.append(ChapterAudio(chapter, tuple(segment_audio)))
    return result


def clip_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def tiny_script() -> Script:
    """Three short chapters: a dialogue with headings, a scene break, a narrated chapter."""
    one = [
        Segment("Narrator", SegmentKind.HEADING, "The Meeting", level=1),
        Segment(
            "Narrator", SegmentKind.NARRATION, "In 1934 Wells went to Moscow. He met Stalin there."
        ),
        Segment(
            "Wells", SegmentKind.SPEECH, "I am much obliged to you. I was in America recently."
        ),
        Segment("Stalin", SegmentKind.SPEECH, "Not so very much."),
        Segment("Wells", SegmentKind.SPEECH, "I wander around the world as a common man."),
        Segment("Narrator", SegmentKind.HEADING, "America and Russia", level=2),
        Segment("Stalin", SegmentKind.SPEECH, "The United States is pursuing a different aim."),
    ]
    two = [
        Segment("Narrator", SegmentKind.HEADING, "Is All Lost?", level=1),
        Segment("Narrator", SegmentKind.NARRATION, "It was cold. The train was late."),
        Segment("Narrator", SegmentKind.NARRATION, "Morning came.", scene_break_before=True),
    ]
    three = [
        Segment("Narrator", SegmentKind.HEADING, "Peasants and Manual Workers", level=1),
        Segment("Narrator", SegmentKind.NARRATION, "They think a great deal. They say little."),
    ]
    book_one = (Division("BOOK I"),)
    return Script(
        title="Wells Meets Stalin",
        author="H G Wells",
        speakers=("Narrator", "Wells", "Stalin"),
        chapters=(
            Chapter(1, "I", "The Meeting", book_one, tuple(one)),
            Chapter(2, "II", "IS ALL LOST?", book_one, tuple(two)),
            Chapter(3, "III", "PEASANTS AND MANUAL WORKERS", book_one, tuple(three)),
        ),
        year="1934",
    )


def long_tiny_script(times: int = 60) -> Script:
    """tiny_script with each chapter's segments said `times` over."""
    script = tiny_script()
    chapters = tuple(replace(c, segments=c.segments * times) for c in script.chapters)
    return replace(script, chapters=chapters)


def fake_cast(script: Script) -> Cast:
    return Cast({name: VoiceSettings("fake", name) for name in script.speakers})


def write_cover(path: Path, color: str = "red") -> Path:
    """A tiny cover image; JPEG or PNG by the path's suffix."""
    args = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"color={color}:s=16x16"]
    subprocess.run([*args, "-frames:v", "1", str(path)], check=True)
    return path


def decode_pcm(path: Path) -> bytes:
    """Any audio file decoded by ffmpeg to the package's raw PCM format."""
    result = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(AUDIO_SAMPLE_RATE_HZ),
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return result.stdout


def fake_build(
    script: Script, tmp_path: Path, formats: str = "mp3,vtt,m3u8", **options: Any
) -> BuildResult:
    """`build_book` with fake_cast and fake_synthesize into tmp_path/out (cache tmp_path/c);
    `options` are BuildOptions' others (chapters, cover …)."""
    from audiobook.build import BuildOptions, build_book

    config = Settings(cache_dir=tmp_path / "c")
    built = BuildOptions(out_dir=tmp_path / "out", formats=formats, config=config, **options)
    return build_book(script, fake_cast(script), built, synthesize=fake_synthesize)
