"""Reliability (issue 6): a build never ends in a traceback, never leaves a broken file that
looks finished, and never loses work already done.

- Bad input: one line `error: <file>: <problem>`, exit status 2, nothing written.
- A full disk says so, and the cache stays whole.
- Builds killed with SIGINT or SIGKILL resume to the same files, synthesising only what the
  cache lacks; two builds never write into one folder at once.
- An engine that crashes or hangs is stopped, retried, then named with the text's place.
"""

from __future__ import annotations

import errno
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest

from audiobook import engines
from audiobook.build import BuildOptions, build_book
from audiobook.cache import ClipCache
from audiobook.casting import resolve_cast
from audiobook.engines import get_engine
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.errors import AudiobookError, UserError
from audiobook.filenames import book_folder
from audiobook.locking import LOCK_NAME
from audiobook.manifest import MANIFEST_NAME
from audiobook.model import NARRATOR, Cast, Chapter, Script, Segment, SegmentKind
from audiobook.pipeline import load_script
from audiobook.reading import MAX_INPUT_BYTES
from audiobook.settings import Settings
from audiobook.synthesis import plan_synthesis
from audiobook.writers.mp3 import Mp3Writer
from tests import fake_engine
from tests.conftest import run_cli
from tests.test_reading import assert_one_line_error

REPO = Path(__file__).resolve().parent.parent
needs_espeak = pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")

PARAGRAPHS = (
    "It was a cold morning in the city. Nobody went out, and the streets were empty.",
    "The train came late. Everyone on the platform was glad to see it at last.",
    "A porter carried two heavy cases. He said nothing, but he smiled at the children.",
    "Snow fell on the roofs. The clock above the hall struck nine, and then ten.",
)


def write_book(folder: Path) -> Path:
    """A short book of four chapters, quick to speak with espeak-ng (about 1 s here); its
    title is read at the start of chapter I."""
    lines = ["THE LITTLE BOOK", ""]
    chapters = (("I", "THE STATION"), ("II", "THE JOURNEY"), ("III", "THE ARRIVAL"), ("IV", "HOME"))
    for number, title in chapters:
        lines += [number, "", title, ""]
        lines += [line for text in PARAGRAPHS for line in (f"{text} So it was in {title}.", "")]
    path = folder / "little.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class Places:
    """Where a test build reads and writes."""

    out: Path
    cache: Path

    @property
    def env(self) -> dict[str, str]:
        return {"AUDIOBOOK_CACHE": str(self.cache)}

    def build(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return run_cli("build", *args, "--out", str(self.out), env={**self.env, **(env or {})})

    def assert_nothing_written(self) -> None:
        assert not self.out.exists() or not any(self.out.rglob("*")), list(self.out.rglob("*"))
        assert not self.cache.exists() or not any(self.cache.rglob("*.wav"))


@pytest.fixture
def places(tmp_path: Path) -> Places:
    return Places(tmp_path / "out", tmp_path / "cache")


# ---------------------------------------------------------------- bad input


BAD_FILES = {
    "missing": (None, "no such file"),
    "a folder": ("folder", "is a folder"),
    "empty": (b"", "empty"),
    "only whitespace": (b"  \n\n\t \n", "empty"),
    "only punctuation": (b"... !!! ---\n???\n", "no words"),
    "a PDF": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    "an MP3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)), "MP3"),
    "binary": (b"\x00\x01\x02\x03binary\x00\x00", "binary"),
}


@pytest.mark.parametrize(("content", "fragment"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_input_file_writes_nothing(
    tmp_path: Path, places: Places, content: bytes | str | None, fragment: str
) -> None:
    path = tmp_path / "book.txt"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    result = places.build(str(path), "--engine", "espeak-ng")
    assert_one_line_error(result, path, fragment)
    assert result.stderr.startswith(f"error: {path}: ")
    places.assert_nothing_written()


ENCODINGS = {
    "Latin-1": ("Caf\xe9 au lait. Na\xefve r\xe9sum\xe9.\n".encode("latin-1"), "cp1252"),
    "UTF-16": ("\ufeffCaf\xe9 au lait. Na\xefve r\xe9sum\xe9.\n".encode("utf-16-le"), "UTF-16"),
}


@pytest.mark.parametrize(("data", "encoding"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_another_encoding_is_decoded_and_said_once(
    tmp_path: Path, data: bytes, encoding: str
) -> None:
    path = tmp_path / "book.txt"
    path.write_bytes(data)
    result = run_cli("script", str(path))
    assert result.returncode == 0, result.stderr
    assert "Café au lait" in result.stdout
    [line] = result.stderr.splitlines()
    assert line.endswith(f"{path} is not UTF-8; read it as {encoding}") or (
        f"read it as {encoding} (" in line
    )


# Runs a command and writes its wall time and peak memory to a file. A process of its own,
# small and fresh: Linux carries a parent's peak memory over into a child it forks, so the
# command must not be forked from pytest itself.
MEASURE = """
import resource, subprocess, sys, time
start = time.monotonic()
code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    f.write(f"{time.monotonic() - start} {peak}")
sys.exit(code)
"""


def run_measured(*args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """`audiobook ARGS` with its wall time (s) and peak memory (MB, resident)."""
    with tempfile.TemporaryDirectory() as folder:
        numbers = Path(folder) / "measured"
        command = [sys.executable, "-m", "audiobook", *args]
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, str(numbers), *command],
            capture_output=True,
            text=True,
            timeout=300,
        )
        seconds, peak = numbers.read_text().split()
    kilobytes = float(peak) / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS
    return result, float(seconds), kilobytes / 1024


def write_one_line(path: Path, size: int) -> Path:
    """`size` bytes of prose on one line: no line break anywhere."""
    sentence = b"It was cold in Moscow, and Mr. Smith said so before he left. "
    block = sentence * (2**20 // len(sentence))
    with path.open("wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
        f.write(sentence * ((size % len(block)) // len(sentence) + 1))
    return path


def test_a_50_mb_file_of_one_line_is_refused_at_once(tmp_path: Path, places: Places) -> None:
    """Neither hangs nor eats memory: the size is enough to refuse it, unread (measured
    here: 0.3 s and 26 MB, of which 15 MB is Python itself)."""
    path = write_one_line(tmp_path / "huge.txt", 50 * 10**6)
    result, seconds, peak_mb = run_measured(
        "build", str(path), "--engine", "espeak-ng", "--out", str(places.out)
    )
    assert_one_line_error(result, path, "hours of speech")
    assert "up to 20 MB" in result.stderr
    assert seconds < 10
    assert peak_mb < 100
    places.assert_nothing_written()


def test_a_long_line_under_the_limit_takes_bounded_time_and_memory(tmp_path: Path) -> None:
    """5 MB with no line break: the whole text half in linear time, memory a few times the
    text (measured here: 1.2 s and 33 MB; at the 20 MB limit 5.5 s and 79 MB)."""
    path = write_one_line(tmp_path / "long.txt", 5 * 10**6)
    assert path.stat().st_size < MAX_INPUT_BYTES
    result, seconds, peak_mb = run_measured("inspect", str(path))
    assert result.returncode == 0, result.stderr
    assert "total" in result.stdout
    assert seconds < 30
    assert peak_mb < 200


CAST_MISTAKES = {
    "not TOML": ("[voices.Narrator\n", "not valid TOML"),
    "not text": ("\udcff\udcfe binary", "not a cast file"),
    "a speaker the text lacks": (
        '[voices.Lenin]\nengine = "espeak-ng"\nvoice = "en-us"\n',
        "the script has no speaker 'Lenin'",
    ),
    "a voice no engine has": (
        '[voices.Narrator]\nengine = "espeak-ng"\nvoice = "xx-nowhere"\n',
        "espeak-ng has no voice 'xx-nowhere'",
    ),
    "an engine that does not exist": (
        '[voices.Narrator]\nengine = "festival"\nvoice = "kal"\n',
        "unknown speech engine 'festival'",
    ),
}


@needs_espeak
@pytest.mark.parametrize(("toml", "fragment"), CAST_MISTAKES.values(), ids=CAST_MISTAKES.keys())
def test_a_bad_cast_writes_nothing(
    tmp_path: Path, places: Places, toml: str, fragment: str
) -> None:
    cast = tmp_path / "cast.toml"
    cast.write_bytes(toml.encode("utf-8", "surrogateescape"))
    result = places.build(str(write_book(tmp_path)), "--cast", str(cast))
    assert_one_line_error(result, cast, fragment)
    assert result.stderr.startswith(f"error: {cast}: ")
    places.assert_nothing_written()


def path_without(tmp_path: Path, *missing: str) -> str:
    """A PATH holding the programs the package runs, except `missing` ones."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for name in ("ffmpeg", "ffprobe", "espeak-ng", "flite", "RHVoice-test"):
        found = shutil.which(name)
        if found and name not in missing:
            (folder / name).symlink_to(found)
    return str(folder)


@needs_espeak
def test_an_engine_that_is_not_installed(tmp_path: Path, places: Places) -> None:
    book, path = write_book(tmp_path), path_without(tmp_path, "espeak-ng")
    result = places.build(str(book), "--engine", "espeak-ng", env={"PATH": path})
    assert_one_line_error(result, Path("espeak-ng"), "is not installed; apt-get install espeak-ng")
    cast = tmp_path / "cast.toml"
    cast.write_text('[voices.Narrator]\nengine = "espeak-ng"\nvoice = "en-us"\n')
    result = places.build(str(book), "--cast", str(cast), env={"PATH": path})
    assert_one_line_error(result, cast, "speech engine espeak-ng is not installed")
    places.assert_nothing_written()


@needs_espeak
def test_no_ffmpeg_on_path(tmp_path: Path, places: Places) -> None:
    path = path_without(tmp_path, "ffmpeg", "ffprobe")
    result = places.build(str(write_book(tmp_path)), "--engine", "espeak-ng", env={"PATH": path})
    assert_one_line_error(result, Path("ffmpeg"), "not installed or not on PATH")
    assert result.stderr.startswith("error: ffmpeg: ")
    places.assert_nothing_written()


@needs_espeak
def test_an_output_folder_that_cannot_be_created(tmp_path: Path, places: Places) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    places.out = blocker / "out"
    result = places.build(str(write_book(tmp_path)), "--engine", "espeak-ng")
    assert_one_line_error(result, places.out, "cannot create the output folder")
    places.assert_nothing_written()


def mount_works() -> bool:
    """Whether `unshare -rm` may mount here (a user namespace: no root needed)."""
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        script = f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(folder)}"
        probe = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    not mount_works(), reason="cannot mount in a user namespace here (unshare -rm)"
)


def run_cli_mounted(
    mounts: list[list[str]], *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess:
    """`audiobook ARGS` in a mount namespace of its own, after running each `mount …`.

    The mounts (a tiny tmpfs, a read-only bind) vanish with the process: no root needed,
    nothing to clean up, and real errors from the kernel (ENOSPC, EROFS), not mocks.
    """
    commands = [shlex.join(["mount", *mount]) for mount in mounts]
    commands.append("exec " + shlex.join([sys.executable, "-m", "audiobook", *args]))
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", " && ".join(commands)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def read_only(folder: Path) -> list[list[str]]:
    return [["--bind", str(folder), str(folder)], ["-o", "remount,bind,ro", str(folder)]]


@needs_espeak
@needs_mount
def test_an_output_folder_on_a_read_only_disk(tmp_path: Path, places: Places) -> None:
    book = write_book(tmp_path)
    places.out.mkdir()
    args = ["build", str(book), "--engine", "espeak-ng", "--out", str(places.out)]
    result = run_cli_mounted(read_only(places.out), *args, env=places.env)
    assert_one_line_error(result, places.out, "cannot create the output folder")
    assert "Read-only file system" in result.stderr
    places.assert_nothing_written()

    assert places.build(str(book), "--engine", "espeak-ng").returncode == 0
    [folder] = places.out.glob("*/*")
    book.write_text(book.read_text() + "\nOne more line.\n")
    result = run_cli_mounted(read_only(folder), *args, env=places.env)
    assert_one_line_error(result, folder, "cannot write in this folder (read-only file system)")


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root")
@needs_espeak
def test_an_output_folder_without_permission(tmp_path: Path, places: Places) -> None:
    places.out.mkdir()
    places.out.chmod(0o555)
    try:
        result = places.build(str(write_book(tmp_path)), "--engine", "espeak-ng")
    finally:
        places.out.chmod(0o755)
    assert_one_line_error(result, places.out, "cannot create the output folder")
    places.assert_nothing_written()


# ---------------------------------------------------------------- a full disk


def clips_of(cache: Path) -> dict[Path, tuple[int, int]]:
    """Every clip in the cache, each checked to be a whole WAV, with its inode and mtime."""
    clips = {}
    for path in (cache / "clips").rglob("*.wav"):
        with wave.open(str(path)) as f:
            assert f.getnframes() > 0
            assert len(f.readframes(f.getnframes())) == 2 * f.getnframes(), path
        stat = path.stat()
        clips[path] = (stat.st_ino, stat.st_mtime_ns)
    return clips


def espeak_script(path: Path) -> tuple[Script, Cast]:
    script = load_script(path)
    return script, resolve_cast(script, None, "espeak-ng")


@needs_espeak
@needs_mount
def test_a_full_disk_under_the_output_folder(tmp_path: Path, places: Places) -> None:
    """A real ENOSPC (a 256 KB tmpfs): one line that says so, then a build that resumes."""
    book = write_book(tmp_path)
    places.out.mkdir()
    tiny = [["-t", "tmpfs", "-o", "size=256k", "tmpfs", str(places.out)]]
    args = ["build", str(book), "--engine", "espeak-ng", "--out", str(places.out)]
    result = run_cli_mounted(tiny, *args, env=places.env)
    assert_one_line_error(result, places.out, "no space left on the disk")
    assert "clips are kept" in result.stderr

    assert_resumes_from_the_cache(places, book)


def assert_resumes_from_the_cache(places: Places, book: Path, *options: str) -> None:
    """Every clip in the cache is whole, and the next build synthesises only the others."""
    before = clips_of(places.cache)
    script, cast = espeak_script(book)
    missing = {
        clip.path
        for clip in plan_synthesis(script, cast, config=Settings(cache_dir=places.cache)).missing
    }
    done = places.build(str(book), *(options or ("--engine", "espeak-ng")))
    assert done.returncode == 0, done.stderr
    after = clips_of(places.cache)
    assert set(after) - set(before) == missing, "only what was not cached is synthesised"
    assert {path: after[path] for path in before} == before, "no clip is made twice"


@needs_espeak
def test_enospc_from_a_writer_keeps_the_cache_and_the_chapters_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, cast = espeak_script(write_book(tmp_path))
    options = BuildOptions(
        tmp_path / "out", "mp3", config=Settings(cache_dir=tmp_path / "cache", jobs=1)
    )
    real_write = Mp3Writer.write

    def disk_fills_up(self: Mp3Writer, chapter, dest: Path) -> None:  # type: ignore[no-untyped-def]
        if chapter.chapter.index >= 3:
            dest.write_bytes(b"ID3 the first bytes of an mp3")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(self, chapter, dest)

    monkeypatch.setattr(Mp3Writer, "write", disk_fills_up)
    with pytest.raises(UserError, match=r"out/.*: no space left on the disk \(.* free\)"):
        build_book(script, cast, options)
    folder = book_folder(options.out_dir, script.author, script.title)
    assert sorted(p.name[:2] for p in folder.glob("*.mp3")) == ["01", "02"]
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [MANIFEST_NAME]
    before = clips_of(options.config.cache_dir)
    assert plan_synthesis(script, cast, config=options.config).missing == []

    monkeypatch.setattr(Mp3Writer, "write", real_write)
    result = build_book(script, cast, options)
    assert sorted(p.name[:2] for p in result.written) == ["03", "04"]
    assert clips_of(options.config.cache_dir) == before


@needs_espeak
def test_enospc_in_the_cache_keeps_every_clip_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audiobook.engines.audio as audio

    script, cast = espeak_script(write_book(tmp_path))
    cache = tmp_path / "cache"
    options = BuildOptions(tmp_path / "out", "mp3", config=Settings(cache_dir=cache, jobs=1))
    real_write_clip = audio.write_clip
    written = []

    def disk_fills_up(path: Path, frames: bytes) -> None:
        if len(written) >= 5:
            path.write_bytes(b"RIFF half a clip")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(path)
        real_write_clip(path, frames)

    monkeypatch.setattr(audio, "write_clip", disk_fills_up)
    with pytest.raises(
        UserError, match=r"no space left on the disk .* every clip finished is cached"
    ):
        build_book(script, cast, options)
    kept = clips_of(cache)
    assert 0 < len(kept) <= 5
    assert not any(ClipCache(cache).work.iterdir())

    monkeypatch.setattr(audio, "write_clip", real_write_clip)
    plan = plan_synthesis(script, cast, config=Settings(cache_dir=cache))
    assert len(plan.missing) == plan.unique_keys - len(kept)
    build_book(script, cast, options)
    after = clips_of(cache)
    assert {path: after[path] for path in kept} == kept


# ---------------------------------------------------------------- interruption

FORMATS = "mp3,m4b,opus,vtt,m3u8"  # those whose bytes depend only on their input


def visible_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


@pytest.mark.slow
@needs_espeak
def test_killed_builds_resume_to_the_same_files(tmp_path: Path) -> None:
    """SIGINT and SIGKILL at random moments, three times each: no file ever visible
    half-written, and the next build gives the bytes an uninterrupted build gives,
    synthesising only the clips the killed builds had not cached."""
    book = write_book(tmp_path)
    args = [str(book), "--engine", "espeak-ng", "--format", FORMATS, "--jobs", "2"]
    reference = Places(tmp_path / "ref", tmp_path / "ref-cache")
    start = time.monotonic()
    done = reference.build(*args)
    duration = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    [ref_folder] = reference.out.glob("*/*")
    expected = visible_files(ref_folder)

    places = Places(tmp_path / "out", tmp_path / "cache")
    folder = places.out / ref_folder.relative_to(reference.out)
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    interrupted = 0
    for sig in (signal.SIGINT, signal.SIGKILL) * 3:
        command = [sys.executable, "-m", "audiobook", "build", *args, "--out", str(places.out)]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **places.env},
            start_new_session=True,  # the whole group gets the signal, as from a terminal
        )
        time.sleep(rng.uniform(0.1, 0.9) * duration)
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass  # finished first
        _, stderr = process.communicate(timeout=60)
        where = f"seed {seed}, {sig.name}"
        interrupted += process.returncode != 0
        if sig == signal.SIGINT and process.returncode == -signal.SIGINT:
            # Python starting up or shutting down (its handlers not yet or no longer in
            # place) dies of the signal itself, as a shell reports with 130 too.
            assert not stderr.strip(), where
        elif sig == signal.SIGINT and process.returncode != 0:
            assert process.returncode == 130, f"{where}: {stderr}"
            assert stderr.strip() == "error: interrupted", where
        for name, data in visible_files(folder).items():
            assert data == expected[name], f"{where}: {name} is visible but not whole"

    assert interrupted, f"seed {seed}: every build finished before it was stopped"
    assert_resumes_from_the_cache(places, book, *args[1:])
    assert visible_files(folder) == expected, f"seed {seed}"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [MANIFEST_NAME]


# ---------------------------------------------------------------- one build per folder

HOLD_LOCK = """
import sys, time
from pathlib import Path
from audiobook.locking import FolderLock
FolderLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(600)
"""


@needs_espeak
def test_a_second_build_into_the_same_folder_is_refused_and_a_stale_lock_is_not(
    tmp_path: Path, places: Places
) -> None:
    book = write_book(tmp_path)
    script = load_script(book)
    folder = book_folder(places.out, script.author, script.title)
    folder.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        result = places.build(str(book), "--engine", "espeak-ng")
        assert_one_line_error(result, folder, f"another build (process {holder.pid}) is writing")
        assert [p.name for p in folder.iterdir()] == [LOCK_NAME]
        assert not places.cache.exists()
    finally:
        holder.kill()  # SIGKILL: the lock file stays behind, naming a dead process
        holder.wait()
    assert (folder / LOCK_NAME).read_text().strip() == str(holder.pid)
    result = places.build(str(book), "--engine", "espeak-ng")
    assert result.returncode == 0, result.stderr
    assert not (folder / LOCK_NAME).exists()
    assert len(list(folder.glob("*.mp3"))) == 4


# ---------------------------------------------------------------- engines that misbehave


@pytest.fixture
def fake_tts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """fake-tts registered as an engine for this test (see tests/fake_engine.py)."""
    program = fake_engine.install_program(tmp_path)
    monkeypatch.setitem(engines.ENGINES, fake_engine.FakeTtsEngine.NAME, fake_engine.FakeTtsEngine)
    get_engine.cache_clear()
    yield program
    get_engine.cache_clear()


def two_chapters(trouble: str) -> Script:
    """Two chapters from `book.txt`; the second holds `trouble` on line 12."""
    one = (
        Segment(NARRATOR, SegmentKind.HEADING, "One", source_line=1, level=1),
        Segment(NARRATOR, SegmentKind.NARRATION, "First words. More words.", source_line=3),
    )
    two = (
        Segment(NARRATOR, SegmentKind.HEADING, "Two", source_line=10, level=1),
        Segment(NARRATOR, SegmentKind.NARRATION, f"{trouble} here.", source_line=12),
        Segment(NARRATOR, SegmentKind.NARRATION, "Last words of all.", source_line=14),
    )
    chapters = (Chapter(1, "1", "One", segments=one), Chapter(2, "2", "Two", segments=two))
    return Script("Trouble", None, (NARRATOR,), chapters, source="book.txt")


def fake_build(tmp_path: Path, script: Script) -> BuildOptions:
    options = BuildOptions(
        tmp_path / "out", "mp3", config=Settings(cache_dir=tmp_path / "cache", jobs=2)
    )
    build_book(script, Cast({NARRATOR: fake_engine.VOICE}), options)
    return options


def test_an_engine_that_crashes_is_retried_then_named(tmp_path: Path, fake_tts: Path) -> None:
    script = two_chapters("CRASH")
    with pytest.raises(AudiobookError) as error:
        fake_build(tmp_path, script)
    assert str(error.value) == (
        "book.txt, line 12, chapter 2 (Two): fake-tts voice plain failed twice on 'CRASH here.' "
        f"({fake_tts} failed: fake-tts: Segmentation fault); the clips made so far stay cached"
    )
    plan = plan_synthesis(
        script, Cast({NARRATOR: fake_engine.VOICE}), config=Settings(cache_dir=tmp_path / "cache")
    )
    assert [clip.text for clip in plan.missing] == ["CRASH here."]
    assert [p.name for p in (tmp_path / "out").rglob("*.mp3")] == ["01 - 1 - One.mp3"]


@pytest.mark.usefixtures("fake_tts")
def test_an_engine_that_hangs_is_stopped_retried_then_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_engine.FakeTtsEngine, "START_S", 1.0)
    monkeypatch.setattr(fake_engine.FakeTtsEngine, "S_PER_CHAR", 0.0)
    script = two_chapters("HANG")
    start = time.monotonic()
    with pytest.raises(AudiobookError, match=r"^book.txt, line 12, chapter 2 \(Two\): .*HANG.*"):
        fake_build(tmp_path, script)
    assert time.monotonic() - start < 15
    plan = plan_synthesis(
        script, Cast({NARRATOR: fake_engine.VOICE}), config=Settings(cache_dir=tmp_path / "cache")
    )
    assert [clip.text for clip in plan.missing] == ["HANG here."]


@pytest.mark.usefixtures("fake_tts")
def test_an_engine_that_fails_once_is_retried_and_the_build_finishes(tmp_path: Path) -> None:
    options = fake_build(tmp_path, two_chapters("FLAKY"))
    assert len(list(options.out_dir.rglob("*.mp3"))) == 2


def test_an_engine_crash_is_one_line_on_the_command_line(tmp_path: Path, places: Places) -> None:
    book = tmp_path / "book.md"
    book.write_text("# Trouble\n\nFine words here.\n\nCRASH words here.\n\nMore words.\n")
    cast = tmp_path / "cast.toml"
    cast.write_text('[voices.Narrator]\nengine = "fake-tts"\nvoice = "plain"\n')
    args = ["build", str(book), "--cast", str(cast), "--out", str(places.out)]
    result = subprocess.run(
        [sys.executable, "-m", "tests.fake_engine", str(tmp_path), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **places.env},
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {book}, line 5, chapter 1 (Trouble): fake-tts voice plain failed twice on "
        f"'CRASH words here.' ({tmp_path / 'fake-tts'} failed: fake-tts: Segmentation fault); "
        "the clips made so far stay cached"
    ]
