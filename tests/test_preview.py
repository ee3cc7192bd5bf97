"""`audiobook preview` (audiobook.preview): the opening of a chapter, levelled like the book."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook import ffmpeg
from audiobook.errors import UserError
from audiobook.preview import make_preview
from audiobook.settings import Settings
from tests.audio_fakes import fake_cast, fake_synthesize, tiny_script
from tests.conftest import run_cli


def test_preview_writes_a_short_levelled_sample(tmp_path: Path) -> None:
    script = tiny_script()
    dest = tmp_path / "sample.mp3"
    length = make_preview(
        script,
        fake_cast(script),
        dest,
        chapter=1,
        seconds=3,
        synthesize=fake_synthesize,
        config=Settings(cache_dir=tmp_path / "c"),
    )
    assert length == 3
    assert float(ffmpeg.probe(dest)["format"]["duration"]) == pytest.approx(3, abs=0.1)
    with pytest.raises(UserError, match="--chapter 9: the book has chapters 1 to 3"):
        make_preview(script, fake_cast(script), dest, chapter=9, synthesize=fake_synthesize)
    with pytest.raises(UserError, match=r"sample\.txt: write a preview as one of"):
        make_preview(script, fake_cast(script), tmp_path / "sample.txt")


@pytest.mark.slow
def test_preview_from_the_command_line(tmp_path: Path) -> None:
    """`audiobook preview` on the built-in example writes a short sample with a real voice."""
    sample = tmp_path / "sample.mp3"
    env = {"AUDIOBOOK_CACHE": str(tmp_path / "cache")}
    args = ["preview", "--engine", "espeak-ng", "--chapter", "2", "--seconds", "5"]
    done = run_cli(*args, "--out", str(sample), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {sample} (5.0 s of chapter 2)")
    assert float(ffmpeg.probe(sample)["format"]["duration"]) == pytest.approx(5, abs=0.1)
    book = "src/audiobook/voices/book.toml"
    both = run_cli(*args, "--cast", book, "--out", str(sample), env=env)
    assert both.returncode == 2
    assert both.stderr == f"error: give --cast {book} or --engine espeak-ng, not both\n"


def test_a_preview_longer_than_the_chapter_is_the_whole_chapter(tmp_path: Path) -> None:
    script = tiny_script()
    dest = tmp_path / "sample.wav"
    length = make_preview(
        script,
        fake_cast(script),
        dest,
        chapter=3,
        seconds=1e308,
        synthesize=fake_synthesize,
        config=Settings(cache_dir=tmp_path / "c"),
    )
    assert 0 < length < 60
    assert float(ffmpeg.probe(dest)["format"]["duration"]) == pytest.approx(length, abs=0.1)
