"""audiobook.ffmpeg: every ffmpeg and ffprobe call, run for real on short WAVs (issue 10)."""

from __future__ import annotations

import array
import shlex
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from audiobook import ffmpeg
from audiobook.errors import AudiobookError
from audiobook.loudness import read_wav_frames
from audiobook.model import AUDIO_SAMPLE_RATE_HZ, Mark
from audiobook.tagging import ffmetadata
from tests.audio_fakes import write_cover, write_tone

TONE_S = 1.5
MARKS = (Mark(0.0, 0.5, "Opening"), Mark(0.5, TONE_S, "Wells: So it begins"))
TAGS = {"title": "The Meeting", "album": "Wells Meets Stalin", "artist": "H. G. Wells"}


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "tone.wav", TONE_S)


def duration_s(path: Path) -> float:
    return float(ffmpeg.probe(path)["format"]["duration"])


def audio_stream(info: dict) -> dict:
    [stream] = [s for s in info["streams"] if s["codec_type"] == "audio"]
    return stream


def wav_frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (
            1,
            2,
            AUDIO_SAMPLE_RATE_HZ,
        )
        return w.readframes(w.getnframes())


def samples(frames: bytes) -> array.array:
    values = array.array("h")
    values.frombytes(frames)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def test_mp3_has_its_bitrate_tags_chapters_and_cover(tone: Path, tmp_path: Path) -> None:
    cover = write_cover(tmp_path / "cover.png")
    dest = tmp_path / "out.mp3"
    ffmpeg.encode_mp3(tone, dest, metadata=ffmetadata(TAGS, MARKS), cover=cover, bitrate_kbps=48)
    info = ffmpeg.probe(dest)
    assert info["format"]["format_name"] == "mp3"
    assert float(info["format"]["duration"]) == pytest.approx(TONE_S, abs=0.1)
    assert audio_stream(info)["bit_rate"] == "48000"
    assert {key: info["format"]["tags"][key] for key in TAGS} == TAGS
    assert [c["tags"]["title"] for c in info["chapters"]] == [m.title for m in MARKS]
    assert [float(c["start_time"]) for c in info["chapters"]] == [m.start_s for m in MARKS]
    [picture] = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert picture["codec_name"] == "png"
    assert picture["disposition"]["attached_pic"] == 1


def test_opus_is_untagged_and_the_same_bytes_every_time(tone: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "1.opus", tmp_path / "2.opus"
    ffmpeg.encode_opus(tone, first)
    ffmpeg.encode_opus(tone, second)
    assert first.read_bytes() == second.read_bytes()
    info = ffmpeg.probe(first)
    assert audio_stream(info)["codec_name"] == "opus"
    assert float(info["format"]["duration"]) == pytest.approx(TONE_S, abs=0.1)
    assert not info["format"].get("tags")


def test_m4b_joins_the_chapters_with_a_mark_each(tone: Path, tmp_path: Path) -> None:
    second = write_tone(tmp_path / "two.wav", 1.0, freq=330.0)
    marks = [Mark(0.0, TONE_S, "One"), Mark(TONE_S, TONE_S + 1.0, "Two")]
    dest = tmp_path / "book.m4b"
    pcm = (chunk for wav in (tone, second) for chunk in read_wav_frames(wav))  # streamed
    ffmpeg.encode_m4b(pcm, dest, metadata=ffmetadata({}, marks), language="deu")
    info = ffmpeg.probe(dest)
    assert "mp4" in info["format"]["format_name"]
    assert float(info["format"]["duration"]) == pytest.approx(TONE_S + 1.0, abs=0.1)
    stream = audio_stream(info)
    assert (stream["codec_name"], stream["tags"]["language"]) == ("aac", "deu")
    assert [c["tags"]["title"] for c in info["chapters"]] == ["One", "Two"]
    assert float(info["chapters"][1]["start_time"]) == pytest.approx(TONE_S, abs=0.01)


def test_render_levelled_filters_streamed_pcm_into_the_same_wav_every_time(
    tone: Path, tmp_path: Path
) -> None:
    frames = wav_frames(tone)
    chunks = [frames[i : i + 4096] for i in range(0, len(frames), 4096)]
    first, second = tmp_path / "1.wav", tmp_path / "2.wav"
    ffmpeg.render_levelled(iter(chunks), "volume=0.5", first)
    ffmpeg.render_levelled(iter(chunks), "volume=0.5", second)
    assert first.read_bytes() == second.read_bytes()
    before, after = samples(frames), samples(wav_frames(first))
    assert len(after) == len(before)
    assert max(before) > 5000
    assert all(abs(b / 2 - a) <= 1 for a, b in zip(after, before, strict=True))


def test_convert_clip_makes_any_audio_a_clip(tone: Path, tmp_path: Path) -> None:
    mp3 = tmp_path / "in.mp3"
    ffmpeg.encode_mp3(tone, mp3, metadata=ffmetadata({}, ()))
    clip = tmp_path / "clip.part"  # no suffix: the format is named, not guessed
    ffmpeg.convert_clip(mp3, clip, gain=0.5)
    assert len(wav_frames(clip)) / 2 / AUDIO_SAMPLE_RATE_HZ == pytest.approx(TONE_S, abs=0.1)


@pytest.mark.parametrize(
    ("name", "muxer"),
    [
        ("a.wav", "wav"),
        ("a.MP3", "mp3"),
        ("a.opus", "opus"),
        ("a.ogg", "ogg"),
        ("a.m4a", "ipod"),
        ("a.flac", "flac"),
    ],
)
def test_muxer_for(name: str, muxer: str) -> None:
    assert ffmpeg.muxer_for(Path(name)) == muxer


def test_cut_preview_cuts_and_fades(tone: Path, tmp_path: Path) -> None:
    dest = tmp_path / ".preview.m4a.part"
    ffmpeg.cut_preview(tone, dest, length_s=1.0, fade_s=0.25, fmt=ffmpeg.muxer_for(Path("p.m4a")))
    info = ffmpeg.probe(dest)
    assert audio_stream(info)["codec_name"] == "aac"
    assert float(info["format"]["duration"]) == pytest.approx(1.0, abs=0.05)


def test_a_failing_ffmpeg_gives_its_last_line_of_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "not audio.wav"
    bad.write_text("hello\n")
    with pytest.raises(AudiobookError) as caught:
        ffmpeg.convert_clip(bad, tmp_path / "out.wav")
    assert str(caught.value) == f"ffmpeg failed: {bad}: Invalid data found when processing input"
    with pytest.raises(AudiobookError) as caught:
        ffmpeg.probe(tmp_path / "missing.wav")
    assert str(caught.value) == f"ffprobe failed: {tmp_path}/missing.wav: No such file or directory"


def test_paths_are_never_options_urls_or_patterns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: `--out -out` made ffmpeg read the output's name as an option."""
    cover = write_cover(tmp_path / "cover.png")
    monkeypatch.chdir(tmp_path)
    out = Path("-out")
    out.mkdir()
    tone = write_tone(out / "-tone.wav", TONE_S)
    url = Path("concat:-tone.wav")  # a protocol, if ffmpeg were given it as it stands
    shutil.copy(tone, url)
    pattern = out / "-cover%d.png"  # an image sequence, if ffmpeg were left to guess
    shutil.copy(cover, pattern)

    made: dict[Path, float] = {}  # every output, with its length in seconds
    ffmpeg.encode_mp3(url, out / "-1.mp3", metadata=ffmetadata(TAGS, MARKS), cover=pattern)
    made[out / "-1.mp3"] = TONE_S
    ffmpeg.encode_opus(tone, out / "-1.opus")
    made[out / "-1.opus"] = TONE_S
    pcm = iter([wav_frames(tone), wav_frames(url)])
    ffmpeg.encode_m4b(pcm, out / "-book.m4b", metadata=ffmetadata({}, ()), language="eng")
    made[out / "-book.m4b"] = 2 * TONE_S
    ffmpeg.render_levelled(iter([wav_frames(tone)]), "volume=1", out / "-level.wav")
    made[out / "-level.wav"] = TONE_S
    ffmpeg.convert_clip(out / "-1.mp3", out / "-clip.wav")
    made[out / "-clip.wav"] = TONE_S
    ffmpeg.cut_preview(url, out / "-preview.mp3", length_s=1.0, fade_s=0.25, fmt="mp3")
    made[out / "-preview.mp3"] = 1.0

    for path, seconds in made.items():
        assert duration_s(path) == pytest.approx(seconds, abs=0.1), path
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["-out", "concat:-tone.wav", "cover.png"]


FULL_DISK = """
import errno, sys
from pathlib import Path
from audiobook import ffmpeg
try:
    ffmpeg.encode_mp3(Path(sys.argv[1]), Path(sys.argv[2]), metadata=";FFMETADATA1\\n")
except OSError as e:
    sys.exit(0 if e.errno == errno.ENOSPC else 3)
sys.exit(4)
"""


@pytest.mark.skipif(shutil.which("unshare") is None, reason="no unshare to mount a tmpfs")
def test_a_disk_that_fills_as_ffmpeg_ends_the_file_is_an_error(tmp_path: Path) -> None:
    """ffmpeg exits 0 when the disk fills as it writes the file's trailer (the file is cut
    short): the full disk is found in what it says."""
    tone = write_tone(tmp_path / "tone.wav", 20.0)
    small = tmp_path / "small"
    small.mkdir()
    mount = shlex.join(["mount", "-t", "tmpfs", "-o", "size=80k", "tmpfs", str(small)])
    run = shlex.join([sys.executable, "-c", FULL_DISK, str(tone), str(small / "o.mp3")])
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"{mount} && {run}"], capture_output=True, text=True
    )
    if "mount" in done.stderr and done.returncode != 0 and "Traceback" not in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
