"""`audiobook build` (issue 4): incremental, atomic builds on fake clips; then end to end
with the real engines on the seed texts, checked with ffprobe and mutagen."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import mutagen
import pytest

from audiobook import ffmpeg
from audiobook.build import BuildOptions, build_book, parse_chapter_ranges
from audiobook.errors import AudiobookError, UserError
from audiobook.filenames import safe_name
from audiobook.loudness import ACX_PEAK_MAX_DBFS, ACX_RMS_MAX_DBFS, ACX_RMS_MIN_DBFS, measure_pcm
from audiobook.manifest import MANIFEST_NAME
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    Cast,
    ChapterPlan,
    Script,
    SegmentKind,
    VoiceSettings,
)
from audiobook.settings import Settings
from audiobook.stitching import plan_chapter
from audiobook.synthesis import synthesize_script
from audiobook.writers.mp3 import Mp3Writer
from tests.audio_fakes import (
    decode_pcm,
    fake_build,
    fake_cast,
    fake_synthesize,
    long_tiny_script,
    tiny_script,
    write_cover,
)
from tests.conftest import run_cli, with_chapter, with_segment

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (1, 2, 3, 4, 5, 6)),
        ("2-5", (2, 3, 4, 5)),
        ("1,3, 5-6", (1, 3, 5, 6)),
        ("4-", (4, 5, 6)),
        ("-2", (1, 2)),
        ("3,3,2-3", (2, 3)),
    ],
)
def test_parse_chapter_ranges(text: str | None, expected: tuple[int, ...]) -> None:
    assert parse_chapter_ranges(text, 6) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0-2", "the book has chapters 1 to 6 only"),
        ("7", "the book has chapters 1 to 6 only"),
        ("5-2", "range 5-2 runs backwards"),
        ("two", "'two' is not a number or range"),
        ("-", "'-' is not a number or range"),
        ("", "--chapters is empty"),
    ],
)
def test_parse_chapter_ranges_rejects(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_chapter_ranges(text, 6)


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def test_rebuild_rewrites_only_what_changed(tmp_path: Path) -> None:
    script = tiny_script()
    first = fake_build(script, tmp_path, formats="all")
    folder = first.folder
    assert folder == tmp_path / "out" / "H G Wells" / "Wells Meets Stalin"
    # mp3, opus, vtt per chapter; m4b, m3u8, json; epub; DAISY: ncc, content, smil+mp3 each
    assert len(first.written) == 3 * 3 + 3 + 1 + 2 + 3 * 2
    assert first.audio_s > 20
    assert first.chapters == 3
    before = mtimes(folder)

    again = fake_build(script, tmp_path, formats="all")
    assert again.written == []
    assert sorted(again.unchanged) == sorted(first.written)
    assert {k: v for k, v in mtimes(folder).items() if k != MANIFEST_NAME} == {
        k: v for k, v in before.items() if k != MANIFEST_NAME
    }

    script = with_segment(script, 1, 1, text="It was very cold. The train was late.")
    changed = fake_build(script, tmp_path, formats="all")
    names = sorted(p.name for p in changed.written)
    assert names == sorted(
        [
            "02 - Book I - II - Is All Lost.mp3",
            "02 - Book I - II - Is All Lost.opus",
            "02 - Book I - II - Is All Lost.vtt",
            "Wells Meets Stalin.m4b",
            "Wells Meets Stalin.m3u8",
            "metadata.json",
            "Wells Meets Stalin.epub",
            # The DAISY book is rewritten whole: later chapters' elapsed times move too.
            "ncc.html",
            "content.html",
            *(f"c00{n}.{suffix}" for n in (1, 2, 3) for suffix in ("smil", "mp3")),
        ]
    )
    assert not [p for p in folder.iterdir() if p.name.startswith(".audiobook-work")]


def test_renamed_chapter_replaces_its_old_files(tmp_path: Path) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path).folder
    fake_build(with_chapter(script, 2, title="Workers"), tmp_path)
    names = sorted(p.name for p in folder.glob("03 *"))
    assert names == ["03 - Book I - III - Workers.mp3", "03 - Book I - III - Workers.vtt"]
    playlist = (folder / "Wells Meets Stalin.m3u8").read_text(encoding="utf-8")
    assert "03 - Book I - III - Workers.mp3" in playlist


def test_chosen_chapters_only(tmp_path: Path) -> None:
    script = tiny_script()
    result = fake_build(script, tmp_path, chapters="2-3")
    assert sorted(p.name for p in result.folder.glob("*.mp3")) == [
        "02 - Book I - II - Is All Lost.mp3",
        "03 - Book I - III - Peasants and Manual Workers.mp3",
    ]
    fake_build(script, tmp_path, chapters="1")
    playlist = (result.folder / "Wells Meets Stalin.m3u8").read_text(encoding="utf-8")
    assert [line for line in playlist.splitlines() if line.endswith(".mp3")] == sorted(
        p.name for p in result.folder.glob("*.mp3")
    )


def test_a_failed_write_leaves_the_old_file_and_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path, formats="mp3").folder
    target = folder / "01 - Book I - I - The Meeting.mp3"
    good = target.read_bytes()

    def broken(self: Mp3Writer, chapter: object, dest: Path) -> None:
        dest.write_bytes(b"ID3 half an mp3")
        raise AudiobookError("ffmpeg failed: disk full")

    monkeypatch.setattr(Mp3Writer, "write", broken)
    script = with_segment(script, 0, 1, text="In 1934 Wells went to Moscow.")
    with pytest.raises(AudiobookError, match="disk full"):
        fake_build(script, tmp_path, formats="mp3")
    assert target.read_bytes() == good
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [MANIFEST_NAME]


KILL_SCRIPT = """
import sys
from pathlib import Path
from tests.audio_fakes import fake_cast, fake_synthesize, long_tiny_script
from audiobook.build import BuildOptions, build_book
from audiobook.settings import Settings
script = long_tiny_script()  # long enough chapters to be killed in the middle
out, cache = Path(sys.argv[1]), Path(sys.argv[2])
options = BuildOptions(out_dir=out, formats="mp3", config=Settings(cache_dir=cache, jobs=1))
build_book(script, fake_cast(script), options, synthesize=fake_synthesize)
"""


def test_a_killed_build_leaves_no_truncated_file(tmp_path: Path) -> None:
    """Regression (issue 4): kill -9 in the middle of writing, then look at what is left."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = [sys.executable, "-c", KILL_SCRIPT, str(out), str(cache)]
    process = subprocess.Popen(args, cwd=REPO, start_new_session=True)
    folder = out / "H G Wells" / "Wells Meets Stalin"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if folder.is_dir() and any(p.suffix == ".part" for p in folder.iterdir()):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be killed mid-write"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert any(p.suffix == ".part" for p in folder.iterdir()), "killed while writing"
    for mp3 in folder.glob("*.mp3"):  # whatever was completed is whole
        assert float(ffmpeg.probe(mp3)["format"]["duration"]) > 30
    script = long_tiny_script()
    options = BuildOptions(out_dir=out, formats="mp3", config=Settings(cache_dir=cache))
    build_book(script, fake_cast(script), options, synthesize=fake_synthesize)
    left = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert left == [MANIFEST_NAME], "partial files and work folders are cleaned up"
    assert len(list(folder.glob("*.mp3"))) == 3


def test_cover_is_copied_and_a_bad_cover_is_a_user_error(tmp_path: Path) -> None:
    cover = write_cover(tmp_path / "cover.jpg", "blue")
    result = fake_build(tiny_script(), tmp_path, formats="mp3", cover=cover)
    assert (result.folder / "cover.jpg").read_bytes() == cover.read_bytes()
    bad = tmp_path / "cover.txt"
    bad.write_text("not an image")
    with pytest.raises(UserError, match=r"cover .*cover\.txt is not a JPEG or PNG image"):
        fake_build(tiny_script(), tmp_path, formats="mp3", cover=bad)


def test_a_book_folder_named_like_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (issue 10): `--out -out` made ffmpeg read every file name as an option."""
    cover = write_cover(tmp_path / "cover.png")
    monkeypatch.chdir(tmp_path)
    script = tiny_script()
    options = BuildOptions(
        out_dir=Path("-out"),
        formats="all",
        config=Settings(cache_dir=tmp_path / "c"),
        cover=cover,
    )
    result = build_book(script, fake_cast(script), options, synthesize=fake_synthesize)
    assert not result.folder.is_absolute()
    assert result.folder.parts[0] == "-out"
    audio = sorted(result.folder.glob("*.mp3")) + sorted(result.folder.glob("*.opus"))
    audio += sorted(result.folder.glob("*.m4b")) + sorted(result.folder.glob("*/*.mp3"))
    assert len(audio) == 3 + 3 + 1 + 3  # chapter MP3s and Opus, the M4B, DAISY's MP3s
    for path in audio:
        assert float(ffmpeg.probe(path)["format"]["duration"]) > 1, path
    assert len(list(result.folder.glob("*.epub"))) == 1


# ---------------------------------------------------------------- end to end, real engines


def turn_starts(plan: ChapterPlan) -> list[float]:
    """Where each heading and each change of speaker starts in the stitched audio."""
    starts, previous = [], None
    for timing in plan.timings:
        if timing.segment.kind == SegmentKind.HEADING or timing.segment.speaker != previous:
            starts.append(timing.start_s)
        previous = timing.segment.speaker
    return starts


def check_audio_file(path: Path, *, track: str, album: str, artist: str | None) -> dict:
    """What every chapter MP3 must be: CBR 64k mono, tagged, marks in order, ACX levels."""
    info = ffmpeg.probe(path)
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == (
        "mp3",
        "24000",
        1,
    )
    audio = mutagen.File(path)
    assert audio.info.bitrate_mode == mutagen.mp3.BitrateMode.CBR
    assert audio.info.bitrate == 64000
    tags = audio.tags
    assert str(tags["TALB"]) == album
    assert str(tags["TRCK"]) == track
    assert str(tags["TCON"]) == "Audiobook"
    if artist:
        assert str(tags["TPE1"]) == str(tags["TPE2"]) == artist
    starts = [float(c["start_time"]) for c in info["chapters"]]
    assert starts
    assert starts == sorted(starts)
    toc = tags["CTOC:toc"]
    assert len(toc.child_element_ids) == len(starts)
    pcm = decode_pcm(path)
    level = measure_pcm(pcm)
    assert ACX_RMS_MIN_DBFS <= level.rms_dbfs <= ACX_RMS_MAX_DBFS, level.rms_dbfs
    assert level.peak_dbfs <= ACX_PEAK_MAX_DBFS, level.peak_dbfs
    rate = AUDIO_SAMPLE_RATE_HZ
    assert measure_pcm(pcm[:rate]).peak < 100, "room tone at the head"  # 0.5 s, 2 bytes each
    assert measure_pcm(pcm[-2 * rate :]).peak < 100, "room tone at the tail"
    for start in starts:
        # Quiet in the pause before the mark; the voice starts within 50 ms after it.
        frame = round(start * rate)
        assert measure_pcm(pcm[2 * (frame - rate // 5) : 2 * (frame - rate // 200)]).peak < 100
        onset = frame - rate // 100
        while measure_pcm(pcm[2 * onset : 2 * (onset + 11)]).peak <= 200:
            onset += 11
        assert -0.005 <= onset / rate - start <= 0.050, (start, onset / rate)
    return info


@pytest.mark.slow
def test_interview_end_to_end(interview_script: Script, tmp_path: Path) -> None:
    """The interview with three real voices: a mark at every turn, where its audio starts."""
    cast = Cast(
        {
            "Narrator": VoiceSettings("espeak-ng", "en-gb"),
            "Wells": VoiceSettings("espeak-ng", "en-gb-x-rp+m3"),
            "Stalin": VoiceSettings("flite", "kal16"),
        }
    )
    options = BuildOptions(
        out_dir=tmp_path / "out",
        formats="mp3,vtt",
        config=Settings(cache_dir=tmp_path / "c"),
    )
    result = build_book(interview_script, cast, options)
    [mp3] = result.folder.glob("*.mp3")
    assert result.folder.parent.name == "H G Wells"
    assert mp3.name.startswith("01 - H G Wells - ")
    assert "/" not in mp3.name
    info = check_audio_file(
        mp3, track="1/1", album=interview_script.title, artist=interview_script.author
    )

    [audio] = synthesize_script(
        interview_script, cast, config=Settings(cache_dir=tmp_path / "c")
    )  # cached
    plan = plan_chapter(audio, cast.pauses)
    expected = turn_starts(plan)
    assert len(expected) > 50  # the interview has dozens of turns
    starts = [float(c["start_time"]) for c in info["chapters"]]
    assert starts == pytest.approx(expected, abs=0.001)
    titles = [c["tags"]["title"] for c in info["chapters"]]
    assert sum(title.startswith("Wells: ") for title in titles) > 20
    assert sum(title.startswith("Stalin: ") for title in titles) > 20
    assert float(info["format"]["duration"]) == pytest.approx(plan.duration_s, abs=0.1)
    assert result.audio_s == pytest.approx(plan.duration_s)

    vtt = mp3.with_suffix(".vtt").read_text(encoding="utf-8")
    assert vtt.count(" --> ") == len(plan.timings)
    assert "<v Wells>I am very much obliged to you, Mr Stalin" in vtt


@pytest.mark.slow
def test_memoir_chapters_from_the_command_line(memoir_script: Script, tmp_path: Path) -> None:
    """Two memoir chapters through `audiobook build`, then a rebuild that writes nothing."""
    out, env = tmp_path / "out", {"AUDIOBOOK_CACHE": str(tmp_path / "cache")}
    args = ["build", memoir_script.source, "--engine", "espeak-ng", "--chapters", "1,6"]
    args += ["--out", str(out), "--format", "mp3,m3u8", "--jobs", "2"]
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert "2 chapters, 0:" in done.stdout
    assert "x real time" in done.stdout
    folder = out / "A. Ciliga" / safe_name(memoir_script.title)
    names = sorted(p.name for p in folder.glob("*.mp3"))
    assert names == ["01 - Foreword.mp3", "06 - Book II - II - Farewell, Hopes and Illusions!.mp3"]
    for name, track in zip(names, ("1/37", "6/37"), strict=True):
        info = check_audio_file(
            folder / name, track=track, album=memoir_script.title, artist="A. Ciliga"
        )
        assert info["chapters"][0]["start_time"] == "0.750000"  # the chapter's heading
        assert float(info["format"]["duration"]) > 300
    playlist = (folder / f"{safe_name(memoir_script.title)}.m3u8").read_text(encoding="utf-8")
    assert [line for line in playlist.splitlines() if line.endswith(".mp3")] == names

    again = run_cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 files written, 4 unchanged" in again.stdout


@pytest.mark.slow
def test_cache_option_puts_the_synthesis_cache_where_asked(tmp_path):
    """Issue 3: the cache lives where --cache says, and a second build synthesises nothing."""
    from tests.conftest import run_cli

    cache = tmp_path / "my-cache"
    first = run_cli("build", "--cache", str(cache), "--out", str(tmp_path / "out"))
    assert first.returncode == 0, first.stderr
    clips = sorted(cache.rglob("*.wav"))
    assert clips
    stamps = [p.stat().st_mtime_ns for p in clips]
    second = run_cli("build", "--cache", str(cache), "--out", str(tmp_path / "out"))
    assert second.returncode == 0, second.stderr
    assert "0 files written, 2 unchanged" in second.stdout
    assert [p.stat().st_mtime_ns for p in sorted(cache.rglob("*.wav"))] == stamps


def test_empty_chapters_or_format_is_an_error_not_a_whole_book(tmp_path):
    """Review finding: --chapters "" and --format "" quietly built everything."""
    from tests.conftest import run_cli

    for option in ("--chapters", "--format"):
        result = run_cli("build", option, "", "--out", str(tmp_path / "out"))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"error: {option} is empty")
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("damage", ["truncated-jpeg", "truncated-png", "random-after-header"])
def test_a_damaged_cover_stops_the_build_before_synthesis(tmp_path: Path, damage: str) -> None:
    suffix = ".png" if "png" in damage or "random" in damage else ".jpg"
    good = write_cover(tmp_path / f"good{suffix}")
    data = good.read_bytes()
    cover = tmp_path / f"cover{suffix}"
    if damage == "random-after-header":
        cover.write_bytes(data[:8] + os.urandom(400))
    else:
        cover.write_bytes(data[: len(data) // 3])
    called = []

    def synthesize(*args, **kwargs):
        called.append(True)
        return fake_synthesize(*args, **kwargs)

    script = tiny_script()
    options = BuildOptions(
        out_dir=tmp_path / "out",
        config=Settings(cache_dir=tmp_path / "c"),
        cover=cover,
    )
    with pytest.raises(UserError, match="cover image is damaged or unreadable"):
        build_book(script, fake_cast(script), options, synthesize=synthesize)
    assert called == [], "found before any synthesis"


def test_a_cover_that_is_no_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "cover.jpg"
    os.mkfifo(fifo)  # reading it would wait for ever
    script = tiny_script()
    options = BuildOptions(
        out_dir=tmp_path / "out", config=Settings(cache_dir=tmp_path / "c"), cover=fifo
    )
    with pytest.raises(UserError, match="is not a file"):
        build_book(script, fake_cast(script), options, synthesize=fake_synthesize)


def test_a_moved_cache_rewrites_nothing(tmp_path: Path) -> None:
    """A chapter's key names its clips by their cache key and size, not where the cache is."""
    script = tiny_script()
    first = fake_build(script, tmp_path)
    shutil.copytree(tmp_path / "c", tmp_path / "moved")
    options = BuildOptions(
        out_dir=tmp_path / "out",
        formats="mp3,vtt,m3u8",
        config=Settings(cache_dir=tmp_path / "moved"),
    )
    again = build_book(script, fake_cast(script), options, synthesize=fake_synthesize)
    assert again.written == []
    assert len(again.unchanged) == len(first.written)
