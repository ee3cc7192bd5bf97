"""Streamed stitching, exact segment times and levelling (issue 4), on fake tone clips."""

from __future__ import annotations

import time
import tracemalloc
import wave
from pathlib import Path

import pytest

from audiobook.errors import AudiobookError
from audiobook.loudness import (
    ACX_PEAK_MAX_DBFS,
    ACX_RMS_MAX_DBFS,
    ACX_RMS_MIN_DBFS,
    dbfs,
    measure_pcm,
    measure_wav,
)
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    Chapter,
    ChapterAudio,
    Pauses,
    Segment,
    SegmentAudio,
    SegmentKind,
)
from audiobook.settings import Settings
from audiobook.stitching import (
    DEFAULT_HEAD_MS,
    DEFAULT_TAIL_MS,
    master_chapter,
    ms_to_frames,
    pause_before_ms,
    plan_chapter,
    stream_pcm,
)
from tests.audio_fakes import fake_synthesize, tiny_script, tone_chapter, write_tone

PAUSES = Pauses(sentence_ms=100, paragraph_ms=200, turn_ms=300, heading_ms=400, scene_break_ms=500)
RATE = AUDIO_SAMPLE_RATE_HZ


def seg(
    speaker: str = "Narrator", kind: SegmentKind = SegmentKind.NARRATION, **kw: object
) -> Segment:
    return Segment(speaker, kind, "text", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("previous", "segment", "expected"),
    [
        (None, seg(), 0),
        (seg(), seg(), 200),
        (seg(), seg("Wells", SegmentKind.SPEECH), 300),
        (seg(), seg(kind=SegmentKind.HEADING), 400),
        (seg(kind=SegmentKind.HEADING), seg(), 400),
        (seg(kind=SegmentKind.HEADING), seg("Wells", SegmentKind.SPEECH), 400),
        (seg(), seg(scene_break_before=True), 500),
        (
            seg(kind=SegmentKind.HEADING),
            seg(kind=SegmentKind.HEADING, scene_break_before=True),
            500,
        ),
    ],
)
def test_pause_before(previous: Segment | None, segment: Segment, expected: int) -> None:
    assert pause_before_ms(previous, segment, PAUSES) == expected


def test_plan_places_every_segment_to_the_sample(tmp_path: Path) -> None:
    audio = tone_chapter(
        tmp_path,
        [
            (seg(kind=SegmentKind.HEADING), [0.5]),
            (seg(), [1.0, 0.25]),
            (seg("Wells", SegmentKind.SPEECH), [0.75]),
            (seg(scene_break_before=True), [0.1]),
        ],
    )
    plan = plan_chapter(audio, PAUSES, head_ms=750, tail_ms=2000)
    head = ms_to_frames(750)
    expected_starts = [
        head,
        head + int(0.5 * RATE) + ms_to_frames(400),
        head + int(1.75 * RATE) + ms_to_frames(400 + 100) + ms_to_frames(300),
    ]
    starts = [t.start_frame for t in plan.timings]
    assert starts[:3] == expected_starts
    assert starts[3] == plan.timings[2].end_frame + ms_to_frames(500)
    assert plan.timings[1].end_frame - plan.timings[1].start_frame == int(1.25 * RATE) + (
        ms_to_frames(100)
    )
    assert plan.frames == plan.timings[-1].end_frame + ms_to_frames(2000)
    pcm = b"".join(stream_pcm(plan))
    assert len(pcm) == 2 * plan.frames
    for timing in plan.timings:
        # silence just before each segment, sound from its first sample
        before = pcm[2 * (timing.start_frame - 100) : 2 * timing.start_frame]
        assert measure_pcm(before).peak == 0
        first = pcm[2 * timing.start_frame : 2 * (timing.start_frame + 100)]
        assert measure_pcm(first).peak > 1000


def test_unvoiced_segments_are_skipped_but_keep_their_scene_break(tmp_path: Path) -> None:
    audio = tone_chapter(
        tmp_path,
        [(seg(), [0.2]), (seg(scene_break_before=True), []), (seg(), [0.2])],
    )
    plan = plan_chapter(audio, PAUSES, head_ms=0, tail_ms=0)
    assert [t.segment_index for t in plan.timings] == [0, 2]
    assert plan.timings[1].start_frame - plan.timings[0].end_frame == ms_to_frames(500)


def test_clip_in_the_wrong_format_names_the_file(tmp_path: Path) -> None:
    clip = tmp_path / "stereo.wav"
    with wave.open(str(clip), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0" * 400)
    chapter = Chapter(1, None, "x", segments=(seg(),))
    audio = ChapterAudio(chapter, (SegmentAudio(1, 0, (clip,), 0.1),))
    with pytest.raises(AudiobookError, match=r"stereo\.wav is 16000 Hz"):
        plan_chapter(audio, PAUSES)


def test_streaming_an_hour_keeps_memory_flat(tmp_path: Path) -> None:
    """Regression (issue 4): pydub's `out + seg` took 72 s and 350 MB for one hour."""
    clip = write_tone(tmp_path / "c.wav", 1.5)
    segments = [seg("Wells" if i % 2 else "Narrator") for i in range(2000)]
    chapter = Chapter(1, None, "Long", segments=tuple(segments))
    audio = ChapterAudio(chapter, tuple(SegmentAudio(1, i, (clip,), 1.5) for i in range(2000)))
    plan = plan_chapter(audio, Pauses())
    assert plan.duration_s > 3600
    tracemalloc.start()
    started = time.monotonic()
    total = 0
    for chunk in stream_pcm(plan, {"Wells": 0.5}):
        total += len(chunk)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == 2 * plan.frames
    assert peak < 5_000_000, f"peak {peak} bytes while streaming an hour"
    assert elapsed < 20


def test_master_matches_voices_and_meets_acx(tmp_path: Path) -> None:
    """Voices at amplitudes 0.1, 0.5 and 0.8 come out equally loud, the chapter on target."""
    script = tiny_script()
    [audio] = fake_synthesize(
        script, None, config=Settings(cache_dir=tmp_path / "cache"), chapters=[1]
    )  # type: ignore[arg-type]
    plan = plan_chapter(audio, Pauses())
    mastered = master_chapter(plan, tmp_path / "chapter.wav")
    level = measure_wav(mastered.wav)
    assert level.frames == plan.frames, "levelling must not move or stretch the audio"
    assert ACX_RMS_MIN_DBFS <= level.rms_dbfs <= ACX_RMS_MAX_DBFS
    assert level.peak_dbfs <= ACX_PEAK_MAX_DBFS
    with wave.open(str(mastered.wav), "rb") as w:
        pcm = w.readframes(w.getnframes())
    by_speaker: dict[str, list[float]] = {}
    for timing in plan.timings:
        part = pcm[2 * timing.start_frame : 2 * timing.end_frame]
        voiced = dbfs(measure_pcm(part).voiced_rms)  # pauses inside a segment not counted
        by_speaker.setdefault(timing.segment.speaker, []).append(voiced)
    loudest = max(max(v) for v in by_speaker.values())
    quietest = min(min(v) for v in by_speaker.values())
    assert loudest - quietest < 0.5, by_speaker
    # room tone at both ends, inside ACX's 0.5-1 s head and 1-5 s tail
    assert 500 <= DEFAULT_HEAD_MS <= 1000
    assert 1000 <= DEFAULT_TAIL_MS <= 5000
    head = pcm[: 2 * ms_to_frames(DEFAULT_HEAD_MS)]
    tail = pcm[-2 * ms_to_frames(DEFAULT_TAIL_MS) :]
    assert measure_pcm(head).peak == 0
    assert measure_pcm(tail).peak == 0
    assert plan.timings[0].start_frame == ms_to_frames(DEFAULT_HEAD_MS)
