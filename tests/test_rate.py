"""`--rate` (issue 5): faster reading for listeners used to fast speech, made by the engines
speaking faster rather than by stretching audio; twice the rate takes half the time."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from audiobook import ffmpeg
from audiobook.casting import cast_at_rate
from audiobook.errors import UserError
from audiobook.model import Cast, Chapter, Pauses, Script, Segment, SegmentKind, VoiceSettings
from audiobook.settings import Settings
from audiobook.stitching import plan_chapter
from audiobook.synthesis import synthesize_script
from tests.conftest import run_cli

PASSAGE = [
    Segment("Narrator", SegmentKind.HEADING, "Chapter One. First Shocks.", level=1),
    Segment(
        "Narrator",
        SegmentKind.NARRATION,
        "The train crossed the frontier at dawn. Nobody spoke; the soldiers looked at our "
        "papers for a long time and gave them back without a word.",
    ),
    Segment("Wells", SegmentKind.SPEECH, "I am very much obliged to you for agreeing to see me."),
]


def test_cast_at_rate_speeds_every_voice_and_pause() -> None:
    cast = Cast(
        {
            "Narrator": VoiceSettings("espeak-ng", "en-gb"),
            "Stalin": VoiceSettings("flite", "kal16", rate=0.92),
        },
        pauses=Pauses(sentence_ms=250, paragraph_ms=700, turn_ms=900),
    )
    fast = cast_at_rate(cast, 2)
    assert fast.voices["Narrator"].rate == 2.0
    assert fast.voices["Stalin"].rate == 1.84
    assert (fast.pauses.sentence_ms, fast.pauses.paragraph_ms, fast.pauses.turn_ms) == (
        125,
        350,
        450,
    )
    assert cast_at_rate(cast, 1) is cast


def test_cast_at_rate_caps_a_fast_voice_and_refuses_silly_rates(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cast = Cast({"Narrator": VoiceSettings("espeak-ng", "en-gb", rate=1.5)})
    with caplog.at_level(logging.WARNING):
        assert cast_at_rate(cast, 3).voices["Narrator"].rate == 3.0
    assert "Narrator cannot speak at 4.5 times normal; using 3" in caplog.text
    with pytest.raises(UserError, match=r"--rate 5: choose from 0.5 to 3"):
        cast_at_rate(cast, 5)


@pytest.mark.parametrize(
    "voice", [VoiceSettings("espeak-ng", "en-gb"), VoiceSettings("flite", "kal16")]
)
def test_twice_the_rate_takes_half_the_time(voice: VoiceSettings, tmp_path: Path) -> None:
    chapter = Chapter(1, None, "One", segments=tuple(PASSAGE))
    script = Script("Rate", None, ("Narrator", "Wells"), (chapter,))
    cast = Cast({"Narrator": voice, "Wells": voice})
    lengths = []
    for rate in (1, 2):
        fast = cast_at_rate(cast, rate)
        [audio] = synthesize_script(script, fast, config=Settings(cache_dir=tmp_path))
        lengths.append(plan_chapter(audio, fast.pauses, head_ms=0, tail_ms=0).duration_s)
    assert lengths[0] > 10
    assert 0.4 <= lengths[1] / lengths[0] <= 0.6, lengths


@pytest.mark.slow
def test_preview_takes_the_rate_from_the_command_line(tmp_path: Path) -> None:
    """The whole of the example's second chapter, at normal speed and at twice it."""
    env = {"AUDIOBOOK_CACHE": str(tmp_path / "cache")}
    lengths = []
    for rate in ("1", "2"):
        sample = tmp_path / f"rate-{rate}.wav"
        args = ["preview", "--engine", "espeak-ng", "--chapter", "2", "--seconds", "900"]
        done = run_cli(*args, "--rate", rate, "--out", str(sample), env=env)
        assert done.returncode == 0, done.stderr
        lengths.append(float(ffmpeg.probe(sample)["format"]["duration"]))
    assert 0.4 <= lengths[1] / lengths[0] <= 0.6, lengths
    refused = run_cli("preview", "--rate", "4", env=env)
    assert refused.returncode == 2
    assert "4.0 is not in the range 0.5<=x<=3.0" in refused.stderr


def test_cast_at_rate_stops_each_voice_at_its_own_engines_fastest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Kokoro reads at most twice its pace: `--rate 3` gives the interview's Stalin 2, not
    an error, while flite's Wells goes to 3."""
    cast = Cast(
        {
            "Wells": VoiceSettings("flite", "awb"),
            "Stalin": VoiceSettings("kokoro", "jm_kumo", rate=0.92),
        }
    )
    with caplog.at_level(logging.WARNING):
        fast = cast_at_rate(cast, 3)
    assert fast.voices["Wells"].rate == 3.0
    assert fast.voices["Stalin"].rate == 2.0
    assert "Stalin cannot speak at 2.76 times normal; using 2" in caplog.text
