"""The clip cache (src/audiobook/cache.py): keys, atomic stores, stale work folders, and
damaged clips found and made again (issue 10), on clips spoken by espeak-ng."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import wave
from dataclasses import replace
from pathlib import Path

import pytest

import audiobook.synthesis as synthesis
from audiobook import ffmpeg
from audiobook.cache import (
    STALE_WORK_S,
    ClipCache,
    DamagedClipError,
    clip_frames,
    clip_key,
)
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.errors import AudiobookError
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    NARRATOR,
    Cast,
    Chapter,
    Pauses,
    Script,
    Segment,
    SegmentKind,
    VoiceSettings,
)
from audiobook.settings import Settings
from audiobook.stitching import master_chapter, plan_chapter
from audiobook.synthesis import assemble, plan_synthesis, run_plan
from tests.conftest import run_cli

needs_espeak = pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")

VOICE = VoiceSettings("espeak-ng", "en-us")
CAST = Cast({NARRATOR: VOICE})
CHANGED = r"the cache .* changed during the build \(.*\): build again"


def little_script() -> Script:
    segments = [
        Segment(NARRATOR, SegmentKind.NARRATION, "It was a cold morning. Nobody went out."),
        Segment(NARRATOR, SegmentKind.NARRATION, "The train came late, and the porter smiled."),
    ]
    return Script("Little", None, (NARRATOR,), (Chapter(1, "1", "One", segments=tuple(segments)),))


def write_clip(path: Path, frames: int, *, rate: int = AUDIO_SAMPLE_RATE_HZ, channels: int = 1):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(2 * channels * frames))
    return path


# ---------------------------------------------------------------- keys


def test_the_key_changes_with_everything_that_decides_the_sound() -> None:
    key = clip_key(VOICE, "1.51", "Hello there.")
    assert key == clip_key(VoiceSettings("espeak-ng", "en-us"), "1.51", "Hello there.")
    others = [
        clip_key(VOICE, "1.51", "Hello there!"),
        clip_key(VOICE, "1.52", "Hello there."),
        clip_key(replace(VOICE, engine="flite"), "1.51", "Hello there."),
        clip_key(replace(VOICE, voice="en-gb"), "1.51", "Hello there."),
        clip_key(replace(VOICE, rate=1.1), "1.51", "Hello there."),
        clip_key(replace(VOICE, pitch=0.9), "1.51", "Hello there."),
        clip_key(replace(VOICE, volume=0.5), "1.51", "Hello there."),
    ]
    assert len({key, *others}) == 1 + len(others)
    assert ClipCache(Path("/c")).path(key) == Path("/c/clips") / key[:2] / f"{key}.wav"


# ---------------------------------------------------------------- atomic stores, work folders


def test_a_clip_is_stored_by_a_rename_from_a_work_folder_in_the_cache(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    with cache.work_dir() as work:
        assert Path(work).parent == cache.work  # same file system: the rename is atomic
        finished = write_clip(Path(work) / "clip-0.wav", 100)
        inode = finished.stat().st_ino
        stored = cache.store("ab" + "0" * 62, finished)
        assert not finished.exists()
        assert stored.stat().st_ino == inode  # moved, never copied half-way
    assert not any(cache.work.iterdir())
    assert cache.holds("ab" + "0" * 62)


def test_stale_work_folders_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    old, fresh = cache.work / "run-1-old", cache.work / "run-2-fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "clip-0.wav").write_bytes(b"RIFF")
    long_ago = time.time() - STALE_WORK_S - 60
    os.utime(old, (long_ago, long_ago))
    cache.remove_stale_work()
    assert sorted(p.name for p in cache.work.iterdir()) == ["run-2-fresh"]


# ---------------------------------------------------------------- validation

DAMAGE = {
    "empty": ("is empty", lambda path: path.write_bytes(b"")),
    "truncated": ("is cut short", lambda path: os.truncate(path, path.stat().st_size // 2)),
    "header only": ("is cut short", lambda path: os.truncate(path, 44)),
    "random bytes": ("is not a WAV file", lambda path: path.write_bytes(os.urandom(3000))),
    "a folder": ("is a folder", lambda path: (path.unlink(), path.mkdir())),
}


def test_a_whole_clip_is_valid_and_its_header_gives_its_length(tmp_path: Path) -> None:
    assert clip_frames(write_clip(tmp_path / "a.wav", 12345)) == 12345
    assert clip_frames(write_clip(tmp_path / "silent.wav", 0)) == 0  # a text with no sound
    with pytest.raises(FileNotFoundError):
        clip_frames(tmp_path / "missing.wav")


@pytest.mark.parametrize(
    ("rate", "channels"), [(44100, 1), (AUDIO_SAMPLE_RATE_HZ, 2)], ids=["44.1 kHz", "stereo"]
)
def test_a_clip_in_another_format_is_damaged(tmp_path: Path, rate: int, channels: int) -> None:
    path = write_clip(tmp_path / "a.wav", 1000, rate=rate, channels=channels)
    with pytest.raises(DamagedClipError, match=r"clips are 24000 Hz mono 16-bit PCM"):
        clip_frames(path)


@pytest.mark.parametrize(("problem", "damage"), DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_clip_is_found_and_removed(tmp_path: Path, problem: str, damage) -> None:
    cache = ClipCache(tmp_path)
    key = "cd" + "1" * 62
    path = cache.path(key)
    path.parent.mkdir(parents=True)
    write_clip(path, 5000)
    assert cache.holds(key)
    damage(path)
    with pytest.raises(DamagedClipError, match=problem):
        clip_frames(path)
    assert not cache.holds(key)
    assert not path.exists()  # removed, a folder too
    assert [e.problem.startswith(problem) for e in cache.removed] == [True]
    assert not cache.holds(key)  # now simply missing: nothing more to remove
    assert len(cache.removed) == 1


# ---------------------------------------------------------------- damaged clips are made again

BOOK = """THE SMALL BOOK

I

THE START

It was a cold morning. Nobody went out.

The train came late. Everyone was glad to see it.

II

THE END

Snow fell on the roofs. The clock struck nine.
"""


FORMATS = ["--engine", "espeak-ng", "--format", "mp3,m4b"]


def audio_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.rglob("*") if p.suffix in {".mp3", ".m4b"}}


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """A small book built once from an empty cache: the text, the cache, the audio by name."""
    folder = tmp_path_factory.mktemp("clean")
    book, cache = folder / "small.txt", folder / "cache"
    book.write_text(BOOK, encoding="utf-8")
    result = run_cli("build", str(book), *FORMATS, "--cache", str(cache), "--out", str(folder))
    assert result.returncode == 0, result.stderr
    files = audio_files(folder)
    assert len(files) == 3  # two chapters and the book
    return book, cache, files


@needs_espeak
@pytest.mark.parametrize("kind", DAMAGE.keys())
def test_a_damaged_cached_clip_is_made_again_on_the_next_build(
    tmp_path: Path, clean_build: tuple[Path, Path, dict[str, bytes]], kind: str
) -> None:
    """Regression (issue 10): an empty, cut, random or folder clip in the cache made every
    rebuild fail ("error: interrupted", a wave.Error traceback, "clip changed while the
    chapter was stitched"). Now it is removed with one warning, spoken again, and the book
    is the one a clean build makes."""
    book, clean_cache, expected = clean_build
    cache, out = tmp_path / "cache", tmp_path / "out"
    shutil.copytree(clean_cache, cache)
    clips = sorted((cache / "clips").rglob("*.wav"))
    victim = clips[len(clips) // 2]
    original = victim.read_bytes()
    problem, damage = DAMAGE[kind]
    damage(victim)

    again = run_cli("build", str(book), *FORMATS, "--cache", str(cache), "--out", str(out))
    assert again.returncode == 0, again.stderr
    [warning] = again.stderr.strip().splitlines()
    assert f"removed 1 damaged clip(s) from the cache {cache} ({victim.name} {problem}" in warning
    assert victim.read_bytes() == original  # spoken again, the same
    built = audio_files(out)
    assert built == expected
    for name in built:  # and the files are real audio, as ffprobe reads them
        assert float(ffmpeg.probe(next(out.rglob(name)))["format"]["duration"]) > 2


# ---------------------------------------------------------------- clips changed during a build


@needs_espeak
def test_a_clip_gone_or_damaged_after_planning_is_one_error(tmp_path: Path) -> None:
    """Regression (issue 10): the cache emptied or changed while a build runs is an error
    that says so, at every step that reads clips, never a traceback of FileNotFoundError,
    wave.Error or EOFError."""
    plan = plan_synthesis(little_script(), CAST, config=Settings(cache_dir=tmp_path))
    run_plan(plan)
    [audio] = assemble(plan)
    chapter = plan_chapter(audio, Pauses())
    paths = [clip.path for clip in chapter.clips()]
    assert paths
    saved = {path: path.read_bytes() for path in paths}

    paths[0].write_bytes(os.urandom(2000))
    with pytest.raises(AudiobookError, match=CHANGED):
        master_chapter(chapter, tmp_path / "chapter.wav")  # measures the voices first
    paths[0].write_bytes(saved[paths[0]])
    os.truncate(paths[-1], paths[-1].stat().st_size - 1000)
    with pytest.raises(AudiobookError, match=CHANGED):
        master_chapter(chapter, tmp_path / "chapter.wav")  # stitches what it measured
    with pytest.raises(AudiobookError, match=CHANGED):
        plan_chapter(audio, Pauses())

    shutil.rmtree(tmp_path / "clips")
    with pytest.raises(AudiobookError, match=rf"the cache {tmp_path} changed .* is gone\)"):
        assemble(plan)
    with pytest.raises(AudiobookError, match=CHANGED):
        plan_chapter(audio, Pauses())


@needs_espeak
def test_a_cache_cleared_while_a_batch_is_spoken_heals(tmp_path: Path, monkeypatch) -> None:
    """The work folder removed under a batch (the whole cache cleared): the batch is spoken
    again, clip by clip, into a new one, and every clip ends up whole in the cache."""
    real = synthesis.synthesize_texts
    cleared = []

    def then_clear_the_cache(texts, settings, out_dir, config):
        clips = real(texts, settings, out_dir, config)
        if not cleared:
            cleared.append(out_dir)
            shutil.rmtree(tmp_path)
        return clips

    monkeypatch.setattr(synthesis, "synthesize_texts", then_clear_the_cache)
    plan = plan_synthesis(little_script(), CAST, config=Settings(cache_dir=tmp_path, jobs=1))
    run_plan(plan)
    assert cleared
    assert all(ClipCache(tmp_path).holds(clip.key) for clip in plan.missing)
    assert not any((tmp_path / "work").iterdir())


CLEARED_MID_BUILD = """
import shutil, sys
import audiobook.synthesis as synthesis
from audiobook.cli import main
real = synthesis.synthesize_script

def synthesize_then_clear(*args, config, **kwargs):
    audio = real(*args, config=config, **kwargs)
    shutil.rmtree(config.cache_dir)  # between synthesis and stitching: the user empties the cache
    return audio

synthesis.synthesize_script = synthesize_then_clear
main()
"""


@needs_espeak
def test_a_cache_cleared_during_a_build_is_a_one_line_error(
    tmp_path: Path, clean_build: tuple[Path, Path, dict[str, bytes]]
) -> None:
    book, _, _ = clean_build
    cache = tmp_path / "cache"
    args = ["build", str(book), "--engine", "espeak-ng", "--cache", str(cache)]
    result = subprocess.run(
        [sys.executable, "-c", CLEARED_MID_BUILD, *args, "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: the cache {cache} changed during the build (")
    assert line.endswith(" is gone): build again")
    assert run_cli(*args, "--out", str(tmp_path / "out")).returncode == 0  # as it says
