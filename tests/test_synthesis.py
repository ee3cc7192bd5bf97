"""Synthesis of a script (issue 3): real speech per speaker, the cache, parallel runs equal
to serial ones, and interrupted runs that resume without corrupt clips."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave
from dataclasses import replace
from pathlib import Path

import pytest

import audiobook.synthesis as synthesis
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.errors import AudiobookError, UserError
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    NARRATOR,
    Cast,
    Chapter,
    Script,
    Segment,
    SegmentKind,
    VoiceSettings,
)
from audiobook.settings import Settings
from audiobook.synthesis import (
    chunk_text,
    plan_synthesis,
    run_plan,
    split_sentences,
    synthesize_script,
)
from tests.audio_checks import assert_speech, voice_difference, voice_print
from tests.conftest import with_segment

pytestmark = pytest.mark.skipif(
    not (EspeakNgEngine.is_installed() and FliteEngine.is_installed()),
    reason="needs espeak-ng and flite",
)

WELLS = (
    "I am very much obliged to you, Mr Stalin, for agreeing to see me. I was in the United "
    "States recently. I had a long conversation with President Roosevelt and tried to "
    "ascertain what his leading ideas were."
)
STALIN = "Not so very much."
NARRATION_TEXT = "In 1934, H. G. Wells arrived in Moscow. The G.P.U. watched Ciliga closely."


def interview(*extra: Segment) -> Script:
    chapter_one = [
        Segment(NARRATOR, SegmentKind.HEADING, "Chapter one. The interview."),
        Segment(NARRATOR, SegmentKind.NARRATION, NARRATION_TEXT),
        Segment("Wells", SegmentKind.SPEECH, WELLS),
        Segment("Stalin", SegmentKind.SPEECH, STALIN),
        *extra,
    ]
    chapter_two = [
        Segment(NARRATOR, SegmentKind.HEADING, "Chapter two. America and Russia."),
        Segment("Stalin", SegmentKind.SPEECH, "The United States is pursuing a different aim."),
    ]
    return Script(
        "Interview",
        "H G Wells",
        (NARRATOR, "Wells", "Stalin"),
        (
            Chapter(1, "1", "The interview", segments=tuple(chapter_one)),
            Chapter(2, "2", "America", segments=tuple(chapter_two)),
        ),
    )


CAST = Cast(
    {
        NARRATOR: VoiceSettings("flite", "slt"),
        "Wells": VoiceSettings("flite", "awb"),
        "Stalin": VoiceSettings("espeak-ng", "en-us", rate=0.95),
    },
    lexicon={"Ciliga": "Tseeliga"},
)


def clip_bytes(chapters) -> list[bytes]:
    return [p.read_bytes() for c in chapters for s in c.segments for p in s.clips]


# ---------------------------------------------------------------- sentences and chunks


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Mr. Stalin spoke. Dr. Smith left.", ["Mr. Stalin spoke.", "Dr. Smith left."]),
        ("H. G. Wells came. He left.", ["H. G. Wells came.", "He left."]),
        ('He said: "We must learn." Then he went.', ['He said: "We must learn."', "Then he went."]),
        ("It cost 5.3 roubles. Cheap.", ["It cost 5.3 roubles.", "Cheap."]),
        ("what then? nothing.", ["what then? nothing."]),  # no capital: not a new sentence
        ("Line one\nline two.", ["Line one line two."]),
    ],
)
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_chunks_are_whole_sentences_under_the_limit():
    text = " ".join(f"Sentence number {n} is here." for n in range(40))
    chunks = chunk_text(text, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert " ".join(chunks) == text
    assert all(c.endswith(".") for c in chunks)


def test_an_over_long_sentence_is_cut_at_clause_breaks():
    sentence = "; ".join(f"clause {n} goes on for a while" for n in range(30)) + "."
    chunks = chunk_text(sentence, 120)
    assert all(len(c) <= 120 for c in chunks)
    assert all(c.endswith((";", ".")) for c in chunks)
    assert " ".join(chunks) == sentence


def test_chunks_with_nothing_to_say_are_dropped():
    assert chunk_text(". . .", 100) == []


# ---------------------------------------------------------------- cache location


def test_the_cache_is_where_the_settings_say(monkeypatch, tmp_path):
    """AUDIOBOOK_CACHE, else $XDG_CACHE_HOME/audiobook, else ~/.cache/audiobook: read once
    by Settings.from_environment for the CLI, never by synthesis itself (issue 10)."""
    home = {"HOME": str(tmp_path)}
    assert Settings.from_environment(home).cache_dir == tmp_path / ".cache" / "audiobook"
    xdg = {**home, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert Settings.from_environment(xdg).cache_dir == tmp_path / "xdg" / "audiobook"
    mine = {**xdg, "AUDIOBOOK_CACHE": str(tmp_path / "mine")}
    assert Settings.from_environment(mine).cache_dir == tmp_path / "mine"
    config = Settings.from_environment(mine, cache_dir=tmp_path / "option")
    assert plan_synthesis(interview(), CAST, config=config).cache.root == tmp_path / "option"
    for name, value in mine.items():
        monkeypatch.setenv(name, value)
    plan = plan_synthesis(interview(), CAST)  # a library call: the defaults, not the variables
    assert plan.cache.root == Path.home() / ".cache" / "audiobook"


# ---------------------------------------------------------------- end to end


def test_script_is_spoken_in_each_speakers_voice(tmp_path):
    progress: list[tuple[int, int]] = []
    audio = synthesize_script(
        interview(),
        CAST,
        config=Settings(cache_dir=tmp_path, jobs=2),
        progress=lambda d, t: progress.append((d, t)),
    )
    assert [a.chapter.index for a in audio] == [1, 2]
    first = audio[0]
    assert [s.segment_index for s in first.segments] == [0, 1, 2, 3]
    for segment_audio, segment in zip(first.segments, first.chapter.segments, strict=True):
        assert segment_audio.chapter_index == 1
        assert all(p.is_relative_to(tmp_path) for p in segment_audio.clips)
        assert_speech(segment_audio.clips, segment.text)  # 24 kHz mono 16-bit, plausible
        total = 0.0
        for clip in segment_audio.clips:
            with wave.open(str(clip)) as f:
                total += f.getnframes() / AUDIO_SAMPLE_RATE_HZ
        assert segment_audio.duration_s == pytest.approx(total)
    narrator, wells, stalin = (voice_print(first.segments[i].clips) for i in (1, 2, 3))
    assert voice_difference(narrator, wells).distinct
    assert voice_difference(wells, stalin).distinct
    assert (
        progress[-1][0]
        == progress[-1][1]
        == len({p for a in audio for s in a.segments for p in s.clips})
    )
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_long_segment_becomes_several_clips_in_order(tmp_path):
    long_text = " ".join([WELLS] * 6)  # ~1,100 characters: over every engine's limit
    script = interview(Segment("Stalin", SegmentKind.SPEECH, long_text))
    [chapter] = synthesize_script(script, CAST, config=Settings(cache_dir=tmp_path), chapters=[1])
    clips = chapter.segments[-1].clips
    assert len(clips) >= 2
    assert_speech(clips, long_text)


def test_lexicon_is_applied_before_synthesis(tmp_path):
    plan = plan_synthesis(interview(), CAST, config=Settings(cache_dir=tmp_path))
    narration = plan.chapters[0][1][1]
    assert "Tseeliga" in narration[0].text
    assert "G P U" in narration[0].text


def test_only_the_chapters_asked_for(tmp_path):
    [audio] = synthesize_script(
        interview(), CAST, config=Settings(cache_dir=tmp_path), chapters=[2]
    )
    assert audio.chapter.index == 2
    with pytest.raises(UserError, match="no chapter 7 in this script; chapters are: 1, 2"):
        synthesize_script(interview(), CAST, config=Settings(cache_dir=tmp_path), chapters=[7])


def test_speakers_without_a_voice_are_read_by_the_narrator(tmp_path):
    cast = Cast({NARRATOR: VoiceSettings("espeak-ng", "en-us")})
    plan = plan_synthesis(interview(), cast, config=Settings(cache_dir=tmp_path))
    assert {c.settings for _, segments in plan.chapters for s in segments for c in s} == {
        cast.voices[NARRATOR]
    }


# ---------------------------------------------------------------- cache


def test_second_run_synthesises_nothing_and_an_edit_only_its_clip(tmp_path):
    """Issue 3's cache proof: nothing twice; one changed segment re-synthesises one clip."""
    script = interview()
    plan = plan_synthesis(script, CAST, config=Settings(cache_dir=tmp_path, jobs=2))
    assert run_plan(plan) == len(plan.missing) > 0
    first = synthesize_script(script, CAST, config=Settings(cache_dir=tmp_path))

    again = plan_synthesis(script, CAST, config=Settings(cache_dir=tmp_path))
    assert again.missing == []
    assert run_plan(again) == 0

    edited = with_segment(script, 0, 3, text="Not very much.")
    plan = plan_synthesis(edited, CAST, config=Settings(cache_dir=tmp_path))
    assert [c.text for c in plan.missing] == ["Not very much."]
    assert run_plan(plan) == 1
    second = synthesize_script(edited, CAST, config=Settings(cache_dir=tmp_path))
    changed = [
        (a.segment_index, b.segment_index)
        for x, y in zip(first, second, strict=True)
        for a, b in zip(x.segments, y.segments, strict=True)
        if a.clips != b.clips
    ]
    assert changed == [(3, 3)]


def test_voice_settings_and_engine_are_part_of_the_key(tmp_path):
    synthesize_script(interview(), CAST, config=Settings(cache_dir=tmp_path))
    faster = Cast({**CAST.voices, "Wells": replace(CAST.voices["Wells"], rate=1.1)}, CAST.lexicon)
    missing = plan_synthesis(interview(), faster, config=Settings(cache_dir=tmp_path)).missing
    assert {c.settings for c in missing} == {faster.voices["Wells"]}


# ---------------------------------------------------------------- parallel = serial


def test_parallel_run_equals_serial_run(tmp_path):
    cast = CAST
    if Pyttsx3Engine.is_installed():  # the engine whose output depends on its batch
        cast = Cast({**CAST.voices, "Wells": VoiceSettings("pyttsx3", "gmw/en-us")})
    script = interview(Segment("Wells", SegmentKind.SPEECH, " ".join([WELLS] * 4)))
    serial = synthesize_script(script, cast, config=Settings(cache_dir=tmp_path / "serial", jobs=1))
    parallel = synthesize_script(
        script, cast, config=Settings(cache_dir=tmp_path / "parallel", jobs=4)
    )
    assert clip_bytes(serial) == clip_bytes(parallel)
    assert [s.duration_s for c in serial for s in c.segments] == [
        s.duration_s for c in parallel for s in c.segments
    ]


# ---------------------------------------------------------------- interruption


def assert_cache_is_whole(cache: Path) -> int:
    """Every clip under its final name is a complete WAV; no temporary files are left."""
    clips = list((cache / "clips").rglob("*"))
    files = [p for p in clips if p.is_file()]
    for path in files:
        assert path.suffix == ".wav", path
        with wave.open(str(path)) as f:
            assert f.getnframes() > 0
            assert len(f.readframes(f.getnframes())) == 2 * f.getnframes()
    return len(files)


def test_failed_run_keeps_finished_clips_and_resumes(tmp_path, monkeypatch):
    script = interview()
    calls = []
    real = synthesis.synthesize_texts

    def failing_after_one_batch(texts, settings, out_dir, config):
        calls.append(texts)
        if len(calls) > 1:
            raise AudiobookError("engine crashed")
        return real(texts, settings, out_dir, config)

    monkeypatch.setattr(synthesis, "synthesize_texts", failing_after_one_batch)
    with pytest.raises(AudiobookError, match="engine crashed"):
        synthesize_script(script, CAST, config=Settings(cache_dir=tmp_path, jobs=1))
    kept = assert_cache_is_whole(tmp_path)
    assert kept == len(calls[0])
    assert not any((tmp_path / "work").iterdir())

    monkeypatch.setattr(synthesis, "synthesize_texts", real)
    plan = plan_synthesis(script, CAST, config=Settings(cache_dir=tmp_path))
    assert len(plan.missing) == plan.unique_keys - kept
    run_plan(plan)
    assert assert_cache_is_whole(tmp_path) == plan.unique_keys


KILLABLE_RUN = """
import sys
from pathlib import Path
from audiobook.model import NARRATOR, Cast, Chapter, Script, Segment, VoiceSettings, SegmentKind
from audiobook.settings import Settings
from audiobook.synthesis import synthesize_script
segments = [Segment(NARRATOR, SegmentKind.NARRATION, f"Paragraph {n}. " + sys.argv[2]) for n in range(400)]
script = Script("Long", None, (NARRATOR,), (Chapter(1, None, "One", segments=tuple(segments)),))
cast = Cast({NARRATOR: VoiceSettings("espeak-ng", "en-us")})
synthesize_script(script, cast, config=Settings(cache_dir=Path(sys.argv[1]), jobs=2))
"""


def test_killed_run_leaves_no_corrupt_clip_and_resumes(tmp_path):
    """kill -9 in the middle of a run: every clip present is whole, the rest follow."""
    cache = tmp_path / "cache"
    run = subprocess.Popen([sys.executable, "-c", KILLABLE_RUN, str(cache), WELLS])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and assert_cache_is_whole(cache) < 20:
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    done = assert_cache_is_whole(cache)
    assert 0 < done < 400

    segments = [
        Segment(NARRATOR, SegmentKind.NARRATION, f"Paragraph {n}. {WELLS}") for n in range(400)
    ]
    script = Script("Long", None, (NARRATOR,), (Chapter(1, None, "One", segments=tuple(segments)),))
    cast = Cast({NARRATOR: VoiceSettings("espeak-ng", "en-us")})
    plan = plan_synthesis(script, cast, config=Settings(cache_dir=cache))
    assert len(plan.missing) == 400 - done
