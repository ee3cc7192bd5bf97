"""Neural engines (issue 11): real speech from hibari, one model load per worker process,
repeatable output, and the worker's failures as errors (never a hang or an orphan)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import wave
from dataclasses import replace
from pathlib import Path

import pytest

from audiobook.engines import get_engine
from audiobook.engines.hibari import HibariEngine
from audiobook.engines.kokoro import KokoroEngine
from audiobook.engines.piper import PiperEngine
from audiobook.engines.workers import POOL, Worker
from audiobook.errors import AudiobookError, UserError
from audiobook.loudness import measure_wav
from audiobook.model import AUDIO_SAMPLE_RATE_HZ, VoiceSettings
from audiobook.synthesis import synthesize_texts

needs_hibari = pytest.mark.skipif(
    not HibariEngine.is_installed(),
    reason="hibari is not installed (bash scripts/install.sh installs the neural voices)",
)
needs_piper = pytest.mark.skipif(not PiperEngine.is_installed(), reason="piper not installed")
needs_kokoro = pytest.mark.skipif(not KokoroEngine.is_installed(), reason="kokoro not installed")
HEART = VoiceSettings("hibari", "heart")
VOICES = [
    pytest.param(HEART, marks=needs_hibari, id="hibari-heart"),
    pytest.param(VoiceSettings("piper", "en_US-joe-medium"), marks=needs_piper, id="piper-joe"),
    pytest.param(VoiceSettings("kokoro", "jm_kumo"), marks=needs_kokoro, id="kokoro-kumo"),
]
TEXT = "The boats came in late tonight, and the whole quay smelled of tar and rain."


def seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (
            AUDIO_SAMPLE_RATE_HZ,
            1,
            2,
        )
        return w.getnframes() / w.getframerate()


@pytest.mark.parametrize("voice", VOICES)
def test_a_neural_voice_speaks_a_clip_of_the_right_kind(
    tmp_path: Path, voice: VoiceSettings
) -> None:
    [clip] = synthesize_texts([TEXT], voice, tmp_path)
    length = seconds(clip)
    assert 2.5 < length < 8.0, "about 14 words at a speaking pace"
    assert measure_wav(clip).rms_dbfs > -35, "speech, not silence"


@pytest.mark.parametrize("voice", VOICES)
def test_a_neural_voice_is_repeatable_and_its_worker_is_kept(
    tmp_path: Path, voice: VoiceSettings
) -> None:
    """The same bytes from the same worker and from a new one (cache, resume and parallel
    runs depend on it); one worker serves every batch of a voice in turn."""
    POOL.close()
    for name in "abc":
        (tmp_path / name).mkdir()
    first = synthesize_texts([TEXT], voice, tmp_path / "a")
    again = synthesize_texts([TEXT], voice, tmp_path / "b")
    assert sum(len(workers) for workers in POOL.idle.values()) == 1, "one worker, loaded once"
    POOL.close()
    fresh = synthesize_texts([TEXT], voice, tmp_path / "c")
    assert first[0].read_bytes() == again[0].read_bytes() == fresh[0].read_bytes()


@pytest.mark.parametrize("voice", VOICES)
def test_a_neural_voice_reads_faster_when_asked(tmp_path: Path, voice: VoiceSettings) -> None:
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    [normal] = synthesize_texts([TEXT], voice, tmp_path / "1")
    [fast] = synthesize_texts([TEXT], replace(voice, rate=1.5), tmp_path / "2")
    assert seconds(fast) < 0.8 * seconds(normal)


@needs_hibari
def test_hibari_settings_it_cannot_honour_are_user_errors() -> None:
    engine = get_engine("hibari")
    with pytest.raises(UserError, match="cannot change pitch"):
        engine.check(VoiceSettings("hibari", "heart", pitch=1.2))
    with pytest.raises(UserError, match="hibari has no voice 'bella'; choose one of: heart"):
        engine.check(VoiceSettings("hibari", "bella"))


@needs_hibari
def test_a_worker_that_dies_is_an_error_and_the_next_batch_gets_a_new_one(
    tmp_path: Path,
) -> None:
    POOL.close()
    (tmp_path / "1").mkdir()
    synthesize_texts([TEXT], HEART, tmp_path / "1")
    [worker] = [w for workers in POOL.idle.values() for w in workers]
    worker.process.kill()
    worker.process.wait()
    (tmp_path / "2").mkdir()
    with pytest.raises(AudiobookError, match="hibari voice heart stopped"):
        synthesize_texts([TEXT], HEART, tmp_path / "2")
    assert not any(POOL.idle.values()), "a dead worker is never lent again"
    [clip] = synthesize_texts([TEXT], HEART, tmp_path / "2")
    assert seconds(clip) > 2.5


@needs_hibari
def test_a_voice_that_cannot_load_is_an_error_naming_it() -> None:
    with pytest.raises(AudiobookError, match="hibari voice nobody: cannot load the voice"):
        Worker("hibari", "nobody", {})


@needs_hibari
def test_closing_the_pool_ends_its_workers(tmp_path: Path) -> None:
    synthesize_texts([TEXT], HEART, tmp_path)
    workers = [w for ws in POOL.idle.values() for w in ws]
    assert workers
    POOL.close()
    assert all(w.process.poll() is not None for w in workers)


def worker_pids(parent: int) -> list[int]:
    """Neural worker processes whose parent is `parent` (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"audiobook.engines.neural_worker" in cmdline:
            pids.append(int(entry.name))
    return pids


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@needs_hibari
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_build_leaves_no_neural_worker(tmp_path: Path, signum: int) -> None:
    """SIGTERM kills the workers with the build; after SIGKILL they see their input close
    and end by themselves."""
    book = tmp_path / "book.md"
    paragraph = " ".join([TEXT] * 6)
    book.write_text(
        "# A Long Book\n\n" + "\n\n".join(f"## Part {i}\n\n{paragraph}" for i in range(40)),
        encoding="utf-8",
    )
    args = ["build", str(book), "--engine", "hibari", "--out", str(tmp_path / "out")]
    args += ["--cache", str(tmp_path / "cache")]
    build = subprocess.Popen([sys.executable, "-m", "audiobook", *args], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.2)
        workers = worker_pids(build.pid)
    assert workers, "the build started a neural worker"
    time.sleep(1.0)  # let it speak
    build.send_signal(signum)
    build.wait(timeout=60)
    if signum == signal.SIGTERM:
        assert build.returncode == 143
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers), "no worker outlives the build"


LISTS_VOICES = """
import sys
from audiobook.engines import ENGINES, get_engine
from audiobook.engines.neural import NeuralEngine
for name, cls in ENGINES.items():
    if issubclass(cls, NeuralEngine) and cls.is_installed():
        engine = get_engine(name)
        for voice in engine.voices():
            engine.check(__import__("audiobook.model").model.VoiceSettings(name, voice.id))
print("onnxruntime" in sys.modules)
"""


@pytest.mark.skipif(
    not (HibariEngine.is_installed() or KokoroEngine.is_installed() or PiperEngine.is_installed()),
    reason="no neural engine installed: nothing to list",
)
def test_the_models_library_is_loaded_only_in_workers() -> None:
    """onnxruntime (with its telemetry, switched off in the workers) never loads in the
    main process: listing and checking every neural voice imports none of it."""
    done = subprocess.run([sys.executable, "-c", LISTS_VOICES], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@needs_kokoro
def test_kokoro_refuses_a_rate_it_cannot_read_at() -> None:
    engine = get_engine("kokoro")
    engine.check(VoiceSettings("kokoro", "jm_kumo", rate=2.0))
    with pytest.raises(
        UserError, match=r"rate = 2\.5 for kokoro voice 'jm_kumo' is out of range; use 0\.5 to 2 "
    ):
        engine.check(VoiceSettings("kokoro", "jm_kumo", rate=2.5))


def kokoro_style(name: str):  # type: ignore[no-untyped-def]
    import numpy as np

    from audiobook.engines.kokoro import voices_file

    with np.load(voices_file()) as data:
        return data[name]


@pytest.mark.slow
@needs_kokoro
def test_kokoro_speaks_a_voice_from_the_users_own_file(tmp_path: Path) -> None:
    """A voices file (`voices.bin:NAME`, as Kokoro's own are) or a one-voice .npy: the file's
    array is what speaks (the same array under an American name gives the packaged voice's
    very bytes), and its name's first letter picks the accent (b: British)."""
    import numpy as np

    kumo = kokoro_style("jm_kumo")
    voices = tmp_path / "voices-v1.0.bin"  # what Kokoro's releases call theirs
    with voices.open("wb") as f:
        np.savez(f, am_kumo=kumo, bm_kumo=kumo)
    np.save(tmp_path / "am_copy.npy", kumo)
    spoken = {}
    for name, voice in [
        ("packaged", "jm_kumo"),
        ("american", f"{voices}:am_kumo"),
        ("single", str(tmp_path / "am_copy.npy")),
        ("british", f"{voices}:bm_kumo"),
    ]:
        (tmp_path / name).mkdir()
        [clip] = synthesize_texts(
            ["The colour of the harbour at half past four."],
            VoiceSettings("kokoro", voice),
            tmp_path / name,
        )
        spoken[name] = clip.read_bytes()
    assert spoken["packaged"] == spoken["american"] == spoken["single"]
    assert spoken["british"] != spoken["american"]


@needs_kokoro
def test_a_kokoro_voice_file_is_part_of_the_cache_key(tmp_path: Path) -> None:
    """A voice file changed under the same name is a new voice: the planned clips' keys
    change, so nothing from the old file is reused."""
    import numpy as np

    from audiobook.model import NARRATOR, Cast, Chapter, Script, Segment, SegmentKind
    from audiobook.settings import Settings
    from audiobook.synthesis import plan_synthesis

    path = tmp_path / "am_mine.npy"
    segments = (Segment(NARRATOR, SegmentKind.NARRATION, "Hello there."),)
    script = Script("T", None, (NARRATOR,), (Chapter(1, "1", "One", segments=segments),))
    cast = Cast({NARRATOR: VoiceSettings("kokoro", str(path))})
    config = Settings(cache_dir=tmp_path / "cache")

    def keys() -> set[str]:
        plan = plan_synthesis(script, cast, config=config)
        return {clip.key for _, segs in plan.chapters for clips in segs for clip in clips}

    np.save(path, kokoro_style("jm_kumo"))
    before = keys()
    assert keys() == before
    np.save(path, kokoro_style("jf_alpha"))
    assert keys().isdisjoint(before)
    engine = get_engine("kokoro")
    assert engine.voice_version("jm_kumo") == engine.version()


@needs_kokoro
@pytest.mark.parametrize(
    ("make", "voice", "message"),
    [
        (
            lambda d: np_save(d / "bad.npy", (3, 3)),
            "bad.npy",
            r"has shape \(3, 3\), not Kokoro 1.0's",
        ),
        (
            lambda d: np_save(d / "v.npz", (510, 1, 256)),
            "v.npz:zz",
            r"no Kokoro voice 'zz' in it \(it has am_x\)",
        ),
        (
            lambda d: (d / "t.txt").write_text("words"),
            "t.txt:am_x",
            r"t.txt: not a Kokoro voices file",
        ),
        (
            lambda d: None,
            "jm_nope",
            r"kokoro has no voice 'jm_nope'; choose one of: .*jm_kumo.*NAME\.npy",
        ),
        (lambda d: None, "gone/v.bin:am_x", r"gone/v.bin: no such voice file"),
        (lambda d: (d / "dir").mkdir(), "dir:am_x", r"dir: is a folder, not a voice file"),
        (  # an .npz by the name of an .npy: read as what it is
            lambda d: (
                np_save(d / "am_v.npz", (510, 1, 256)) or (d / "am_v.npz").rename(d / "am_v.npy")
            ),
            "am_v.npy",
            r"no Kokoro voice 'am_v' in it \(it has am_x\)",
        ),
    ],
)
def test_a_bad_kokoro_voice_file_is_a_one_line_error(tmp_path, make, voice, message) -> None:  # type: ignore[no-untyped-def]
    make(tmp_path)
    spec = voice if voice == "jm_nope" else str(tmp_path / voice)
    with pytest.raises(UserError, match=message):
        get_engine("kokoro").check(VoiceSettings("kokoro", spec))


def np_save(path: Path, shape: tuple[int, ...]) -> None:
    import numpy as np

    array = np.zeros(shape, np.float32)
    if path.suffix == ".npz":
        np.savez(path, am_x=array)
    else:
        np.save(path, array)


@needs_kokoro
def test_voice_files_named_in_a_cast_are_found_beside_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As its lexicon_files are: a cast and its voice files move together, wherever the
    command runs."""
    import numpy as np

    from audiobook.casting import load_cast
    from audiobook.model import NARRATOR, Chapter, Script, Segment, SegmentKind

    folder = tmp_path / "casts"
    (folder / "voices").mkdir(parents=True)
    with (folder / "voices" / "voices-v1.0.bin").open("wb") as f:
        np.savez(f, bm_kumo=kokoro_style("jm_kumo"))
    np.save(folder / "am_kumo.npy", kokoro_style("jm_kumo"))
    cast_file = folder / "cast.toml"
    cast_file.write_text(
        '[voices.Narrator]\nengine = "kokoro"\nvoice = "voices/voices-v1.0.bin:bm_kumo"\n'
        '[voices.Wells]\nengine = "flite"\nvoice = "awb"\nprefer = ["kokoro:am_kumo.npy"]\n',
        "utf-8",
    )
    segments = (Segment(NARRATOR, SegmentKind.NARRATION, "Hello."),)
    script = Script("T", None, (NARRATOR, "Wells"), (Chapter(1, "1", "One", segments=segments),))
    monkeypatch.chdir(tmp_path)
    cast = load_cast(cast_file, script)
    assert cast.voices[NARRATOR].voice == f"{folder / 'voices' / 'voices-v1.0.bin'}:bm_kumo"
    assert cast.voices["Wells"] == VoiceSettings("kokoro", str(folder / "am_kumo.npy"))
