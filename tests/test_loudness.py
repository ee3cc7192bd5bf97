"""Levels (issue 4): measurement of WAVs of known level, voice gains, the limiter filter run
by the real ffmpeg on real speech, and ACX's limits."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from audiobook import processes
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.loudness import (
    ACX_PEAK_MAX_DBFS,
    ACX_RMS_MAX_DBFS,
    ACX_RMS_MIN_DBFS,
    BLOCK_FRAMES,
    DEFAULT_CEILING_DBFS,
    DEFAULT_TARGET_RMS_DBFS,
    FULL_SCALE,
    VOICE_GATE_DBFS,
    Level,
    Leveling,
    apply_gain,
    db_to_gain,
    dbfs,
    measure_pcm,
    measure_voices,
    measure_wav,
    plan_leveling,
)
from audiobook.model import AUDIO_SAMPLE_RATE_HZ, VoiceSettings
from audiobook.synthesis import synthesize_texts

RATE = AUDIO_SAMPLE_RATE_HZ
SINE_CREST_DB = 20 * math.log10(math.sqrt(2))  # a sine's peak is 3.01 dB above its RMS

needs_engines = pytest.mark.skipif(
    not (EspeakNgEngine.is_installed() and FliteEngine.is_installed()),
    reason="needs espeak-ng and flite",
)


def sine(frames: int, peak: float, period: int = 100) -> array.array:
    """A sine of `peak` in sample units; a period a multiple of 4 samples long samples its peak."""
    step = 2 * math.pi / period
    return array.array("h", (round(peak * math.sin(step * i)) for i in range(frames)))


def silence(frames: int) -> array.array:
    return array.array("h", bytes(2 * frames))


def write_wav(path: Path, *parts: array.array) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for part in parts:
            w.writeframes(part.tobytes())
    return path


def read_samples(path: Path) -> array.array:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        return array.array("h", w.readframes(w.getnframes()))


def run_filter(leveling: Leveling, source: Path, dest: Path) -> Path:
    """The leveling's ffmpeg filter applied to a WAV, as stitching.render_chapter applies it."""
    f = leveling.ffmpeg_filter()
    output = ["-c:a", "pcm_s16le", "-fflags", "+bitexact", "-y", str(dest)]
    processes.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(source), "-af", f, *output])
    return dest


def first_frame_above(samples: array.array, threshold: int) -> int:
    return next(i for i, x in enumerate(samples) if abs(x) > threshold)


# ---------------------------------------------------------------- dB


@pytest.mark.parametrize(
    ("amplitude", "db"),
    [(32768, 0.0), (16384, -6.0206), (3276.8, -20.0), (327.68, -40.0), (1, -90.309)],
)
def test_dbfs_is_relative_to_full_scale(amplitude: float, db: float) -> None:
    assert dbfs(amplitude) == pytest.approx(db, abs=0.001)
    assert db_to_gain(db) * FULL_SCALE == pytest.approx(amplitude, rel=0.001)


def test_silence_is_minus_infinity() -> None:
    assert dbfs(0) == -math.inf
    assert Level().rms_dbfs == -math.inf
    assert Level().peak_dbfs == -math.inf


# ---------------------------------------------------------------- measuring real WAVs


def test_full_scale_square_wave_is_zero_dbfs(tmp_path: Path) -> None:
    square = array.array("h", [32767, -32767] * (RATE // 2))
    level = measure_wav(write_wav(tmp_path / "square.wav", square))
    assert level.frames == RATE
    assert level.peak == 32767
    assert level.rms_dbfs == pytest.approx(0.0, abs=0.001)
    assert level.peak_dbfs == pytest.approx(0.0, abs=0.001)


@pytest.mark.parametrize("peak_dbfs", [-1.0, -6.0, -20.0, -40.0])
def test_sine_levels(tmp_path: Path, peak_dbfs: float) -> None:
    peak = db_to_gain(peak_dbfs) * FULL_SCALE
    level = measure_wav(write_wav(tmp_path / "sine.wav", sine(2 * RATE, peak)))
    assert level.frames == 2 * RATE
    assert level.peak == round(peak)
    assert level.peak_dbfs == pytest.approx(peak_dbfs, abs=0.01)
    # within 0.05 dB: audioop.rms rounds each block's RMS down to a whole sample unit
    assert level.rms_dbfs == pytest.approx(peak_dbfs - SINE_CREST_DB, abs=0.05)
    assert level.voiced_frames == level.frames  # every block is louder than the gate
    assert level.voiced_rms == pytest.approx(level.rms, rel=0.001)


def test_silence_has_no_level(tmp_path: Path) -> None:
    level = measure_wav(write_wav(tmp_path / "silence.wav", silence(RATE)))
    assert (level.frames, level.peak, level.sum_squares, level.voiced_frames) == (RATE, 0, 0.0, 0)
    assert level.rms_dbfs == level.peak_dbfs == -math.inf
    assert not level.meets_acx


def test_an_empty_wav_has_no_frames(tmp_path: Path) -> None:
    assert measure_wav(write_wav(tmp_path / "empty.wav")) == Level()


def test_pauses_count_in_rms_but_not_in_voiced_rms(tmp_path: Path) -> None:
    """ACX measures RMS over the whole file; voices are compared over their voiced blocks."""
    voiced = 20 * BLOCK_FRAMES  # whole blocks, so no block straddles voice and pause
    tone = sine(voiced, db_to_gain(-17.0) * FULL_SCALE)
    level = measure_wav(write_wav(tmp_path / "tone-pause.wav", tone, silence(3 * voiced)))
    assert level.frames == 4 * voiced
    assert level.voiced_frames == voiced
    assert dbfs(level.voiced_rms) == pytest.approx(-17.0 - SINE_CREST_DB, abs=0.02)
    # a quarter of the time at that level: 10*log10(4) = 6.02 dB lower over the whole file
    assert level.rms_dbfs == pytest.approx(-17.0 - SINE_CREST_DB - 6.02, abs=0.02)


def test_sound_under_the_gate_is_not_voice(tmp_path: Path) -> None:
    frames = 20 * BLOCK_FRAMES
    hum = sine(frames, db_to_gain(VOICE_GATE_DBFS - 3.0) * FULL_SCALE)  # RMS 6 dB under the gate
    level = measure_wav(write_wav(tmp_path / "hum.wav", hum))
    assert level.peak > 0
    assert level.voiced_frames == 0
    assert level.voiced_rms == 0.0
    just_over = sine(frames, db_to_gain(VOICE_GATE_DBFS + 6.0) * FULL_SCALE)  # RMS 3 dB over
    assert measure_wav(write_wav(tmp_path / "over.wav", just_over)).voiced_frames == frames


def test_a_long_file_read_in_chunks_measures_as_one_piece(tmp_path: Path) -> None:
    """measure_wav reads 4 s at a time; a 9.3 s file crosses chunk and block boundaries."""
    parts = [
        sine(3 * RATE + 77, 8000.0),
        silence(RATE // 3),
        sine(5 * RATE, 20000.0, period=72),
        sine(RATE // 2 + 5, 500.0, period=20),
    ]
    path = write_wav(tmp_path / "long.wav", *parts)
    whole = measure_pcm(b"".join(part.tobytes() for part in parts))
    level = measure_wav(path)
    assert level.frames == whole.frames == sum(len(p) for p in parts)
    assert level.peak == whole.peak == 20000
    assert level.voiced_frames == whole.voiced_frames
    assert level.sum_squares == pytest.approx(whole.sum_squares, rel=1e-9)
    assert level.voiced_sum_squares == pytest.approx(whole.voiced_sum_squares, rel=1e-9)


def test_levels_add_up_across_clips(tmp_path: Path) -> None:
    loud = write_wav(tmp_path / "loud.wav", sine(10 * BLOCK_FRAMES, 16000.0))
    quiet = write_wav(tmp_path / "quiet.wav", sine(30 * BLOCK_FRAMES, 1000.0), silence(500))
    loud_pcm, quiet_pcm = read_samples(loud).tobytes(), read_samples(quiet).tobytes()
    total = measure_wav(loud) + measure_wav(quiet)
    assert total == measure_pcm(loud_pcm) + measure_pcm(quiet_pcm)
    assert total.frames == 40 * BLOCK_FRAMES + 500
    assert total.peak == 16000
    joined = measure_pcm(loud_pcm + quiet_pcm)  # the join falls on a block boundary
    assert joined.frames == total.frames
    assert joined.sum_squares == pytest.approx(total.sum_squares, rel=1e-9)
    assert joined.voiced_frames == total.voiced_frames == 40 * BLOCK_FRAMES


def test_measure_voices_sums_each_speakers_clips(tmp_path: Path) -> None:
    a1 = write_wav(tmp_path / "a1.wav", sine(RATE, 4000.0))
    a2 = write_wav(tmp_path / "a2.wav", sine(RATE, 4000.0))
    b = write_wav(tmp_path / "b.wav", sine(RATE, 12000.0))
    voices = measure_voices([("Keeper", a1), ("Cartographer", b), ("Keeper", a2)])
    assert set(voices) == {"Keeper", "Cartographer"}
    assert voices["Keeper"] == measure_wav(a1) + measure_wav(a2)
    assert voices["Cartographer"] == measure_wav(b)
    assert measure_voices([]) == {}


# ---------------------------------------------------------------- ACX


def level_at(rms_dbfs: float, peak_dbfs: float) -> Level:
    """A one-frame Level with the given RMS and peak (what ACX's rules look at)."""
    rms = db_to_gain(rms_dbfs) * FULL_SCALE
    return Level(frames=1, sum_squares=rms**2, peak=math.floor(db_to_gain(peak_dbfs) * FULL_SCALE))


@pytest.mark.parametrize(
    ("rms_dbfs", "peak_dbfs", "meets"),
    [
        (-20.0, -6.0, True),
        (ACX_RMS_MIN_DBFS + 0.01, -6.0, True),
        (ACX_RMS_MAX_DBFS - 0.01, -6.0, True),
        (ACX_RMS_MIN_DBFS - 0.1, -6.0, False),  # too quiet
        (ACX_RMS_MAX_DBFS + 0.1, -6.0, False),  # too loud
        (-20.0, ACX_PEAK_MAX_DBFS, True),
        (-20.0, ACX_PEAK_MAX_DBFS + 0.1, False),  # peaks too high
    ],
)
def test_acx_limits(rms_dbfs: float, peak_dbfs: float, meets: bool) -> None:
    assert (ACX_RMS_MIN_DBFS, ACX_RMS_MAX_DBFS, ACX_PEAK_MAX_DBFS) == (-23.0, -18.0, -3.0)
    assert level_at(rms_dbfs, peak_dbfs).meets_acx is meets


def test_a_plain_sine_can_meet_acx_without_a_limiter(tmp_path: Path) -> None:
    inside = sine(RATE, db_to_gain(-17.0) * FULL_SCALE)  # RMS -20 dBFS, peak -17 dBFS
    assert measure_wav(write_wav(tmp_path / "inside.wav", inside)).meets_acx
    hot = sine(RATE, db_to_gain(-2.0) * FULL_SCALE)  # RMS -5 dBFS, peak -2 dBFS
    assert not measure_wav(write_wav(tmp_path / "hot.wav", hot)).meets_acx


def test_the_defaults_sit_inside_acx() -> None:
    assert ACX_RMS_MIN_DBFS < DEFAULT_TARGET_RMS_DBFS < ACX_RMS_MAX_DBFS
    assert DEFAULT_CEILING_DBFS < ACX_PEAK_MAX_DBFS


# ---------------------------------------------------------------- voice gains


def test_apply_gain_scales_and_saturates() -> None:
    data = array.array("h", [0, 1000, -1000, 20000, -20000]).tobytes()
    assert apply_gain(data, 1.0) is data
    assert apply_gain(b"", 3.0) == b""
    assert array.array("h", apply_gain(data, 0.5)).tolist() == [0, 500, -500, 10000, -10000]
    assert array.array("h", apply_gain(data, 2.0)).tolist() == [0, 2000, -2000, 32767, -32768]


def stitch(
    clips: list[tuple[str, Path]], gains: dict[str, float], pause_frames: int
) -> array.array:
    """Clips one after another with pauses between, each times its voice's gain."""
    out = array.array("h")
    for speaker, path in clips:
        out.frombytes(apply_gain(read_samples(path).tobytes(), gains[speaker]))
        out.extend(silence(pause_frames))
    return out


def test_plan_leveling_matches_voices_and_reaches_the_target(tmp_path: Path) -> None:
    clips = [
        ("Keeper", write_wav(tmp_path / "k1.wav", sine(20 * BLOCK_FRAMES, 1500.0))),
        ("Cartographer", write_wav(tmp_path / "c1.wav", sine(30 * BLOCK_FRAMES, 9000.0))),
        ("Keeper", write_wav(tmp_path / "k2.wav", sine(10 * BLOCK_FRAMES, 1500.0))),
    ]
    pause = 5 * BLOCK_FRAMES
    total = sum(len(read_samples(p)) for _, p in clips) + pause * len(clips)
    voices = measure_voices(clips)
    leveling = plan_leveling(voices, total, target_rms_dbfs=-21.0, ceiling_dbfs=-5.0)
    assert set(leveling.voice_gains) == {"Keeper", "Cartographer"}
    assert leveling.ceiling_dbfs == -5.0
    # every voice is brought to the same voiced RMS
    keeper = voices["Keeper"].voiced_rms * leveling.voice_gains["Keeper"]
    cartographer = voices["Cartographer"].voiced_rms * leveling.voice_gains["Cartographer"]
    assert keeper == pytest.approx(cartographer, rel=0.001)
    # the stitched chapter, measured for real, is on target once the chapter gain is applied
    stitched = measure_pcm(stitch(clips, leveling.voice_gains, pause).tobytes())
    assert stitched.frames == total
    assert stitched.rms_dbfs + leveling.chapter_gain_db == pytest.approx(-21.0, abs=0.05)
    assert stitched.peak_dbfs < -1.0  # nothing clips in the 16-bit stage


def test_plan_leveling_scales_every_voice_down_rather_than_clip(tmp_path: Path) -> None:
    """A voice with a high crest factor would clip at its matching gain: all voices give way."""
    spiky = array.array("h", sine(40 * BLOCK_FRAMES, 300.0))
    spiky[1000] = 30000  # one click far above a quiet voice
    clips = [
        ("Spiky", write_wav(tmp_path / "spiky.wav", spiky)),
        ("Even", write_wav(tmp_path / "even.wav", sine(40 * BLOCK_FRAMES, 3000.0))),
    ]
    voices = measure_voices(clips)
    unscaled = FULL_SCALE * db_to_gain(-20.0) / voices["Spiky"].voiced_rms
    assert voices["Spiky"].peak * unscaled > FULL_SCALE, "the case must be one that would clip"
    gains = plan_leveling(voices, 80 * BLOCK_FRAMES).voice_gains
    stitched = measure_pcm(stitch(clips, gains, 0).tobytes())
    assert stitched.peak_dbfs == pytest.approx(-1.0, abs=0.05)
    ratio = (
        voices["Spiky"].voiced_rms * gains["Spiky"] / (voices["Even"].voiced_rms * gains["Even"])
    )
    assert ratio == pytest.approx(1.0, rel=0.001)  # still matched


def test_plan_leveling_with_silence_or_nothing() -> None:
    leveling = plan_leveling({"Mute": Level(frames=RATE)}, RATE)
    assert leveling.voice_gains == {"Mute": 1.0}
    assert leveling.chapter_gain_db == 0.0
    assert plan_leveling({}, 0) == Leveling({}, 0.0, DEFAULT_CEILING_DBFS)


def test_corrected_moves_the_chapter_gain_by_the_miss() -> None:
    leveling = Leveling({"Keeper": 0.5}, 4.0, -4.5)
    missed = level_at(-21.25, -6.0)
    again = leveling.corrected(missed, -19.5)
    assert again == Leveling({"Keeper": 0.5}, 5.75, -4.5)


# ---------------------------------------------------------------- the limiter, run by ffmpeg


def test_the_filter_is_gain_then_a_limiter_at_the_ceiling() -> None:
    text = Leveling({}, 3.25, -4.0).ffmpeg_filter()
    volume, limiter = text.split(",")
    assert volume == "volume=3.250dB"
    assert limiter.startswith("alimiter=limit=0.6310:")
    assert "level=0" in limiter  # no automatic make-up gain
    assert "latency=1" in limiter  # the look-ahead delay removed


def test_gain_below_the_ceiling_keeps_every_sample_in_place(tmp_path: Path) -> None:
    """The limiter's look-ahead must not delay the audio: segment start times stay exact."""
    onset = RATE // 2
    burst = sine(RATE // 2, db_to_gain(-30.0) * FULL_SCALE)
    source = write_wav(tmp_path / "burst.wav", silence(onset), burst, silence(RATE // 2))
    out = read_samples(run_filter(Leveling({}, 6.0), source, tmp_path / "out.wav"))
    original = read_samples(source)
    assert len(out) == len(original)
    assert first_frame_above(out, 0) == first_frame_above(original, 0) == onset + 1
    louder = [round(2 * x) for x in original[onset : onset + 200]]  # +6.02 dB
    assert max(abs(a - b) for a, b in zip(out[onset : onset + 200], louder, strict=True)) <= 3 + (
        max(map(abs, louder)) // 500
    )


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real speech in two voices, in the package's clip format."""
    if not (EspeakNgEngine.is_installed() and FliteEngine.is_installed()):
        pytest.skip("needs espeak-ng and flite")
    folder = tmp_path_factory.mktemp("speech")
    voices = {
        "Keeper": VoiceSettings("espeak-ng", "en-us"),
        "Cartographer": VoiceSettings("flite", "slt"),
    }
    lines = {
        "Keeper": "The light turns, and it shows every ship the same thing.",
        "Cartographer": "A map is a promise that the rocks will be where we say.",
    }
    clips = {}
    for speaker, settings in voices.items():
        (folder / speaker).mkdir()
        [clips[speaker]] = synthesize_texts([lines[speaker]], settings, folder / speaker)
    return clips


@needs_engines
@pytest.mark.parametrize("gain_db", [6.0, 18.0])
def test_the_limiter_keeps_real_speech_under_the_ceiling(
    speech: dict[str, Path], tmp_path: Path, gain_db: float
) -> None:
    source = speech["Keeper"]
    before = measure_wav(source)
    assert before.peak_dbfs + gain_db > DEFAULT_CEILING_DBFS + 3, "the gain alone would go over"
    out = run_filter(Leveling({}, gain_db), source, tmp_path / "limited.wav")
    after = measure_wav(out)
    assert after.frames == before.frames
    # 0.01 dB of slack: the filter gives the limit to four decimals (0.6310 for 0.63096).
    assert after.peak_dbfs <= DEFAULT_CEILING_DBFS + 0.01
    assert after.peak_dbfs > DEFAULT_CEILING_DBFS - 0.5  # limited, not just quieter
    assert after.rms_dbfs > before.rms_dbfs + 1  # louder: the limiter takes back peaks only
    original, limited = read_samples(source), read_samples(out)
    assert abs(first_frame_above(limited, 1000) - first_frame_above(original, 1000)) < RATE // 200


@needs_engines
def test_two_real_voices_levelled_and_limited_meet_acx(
    speech: dict[str, Path], tmp_path: Path
) -> None:
    """stitching.master_chapter's first render, step by step, on real speech."""
    clips = [("Keeper", speech["Keeper"]), ("Cartographer", speech["Cartographer"])] * 2
    pause = RATE // 2
    voices = measure_voices(clips)
    total = sum(measure_wav(p).frames for _, p in clips) + pause * len(clips)
    leveling = plan_leveling(voices, total)
    stitched = write_wav(tmp_path / "stitched.wav", stitch(clips, leveling.voice_gains, pause))
    out = run_filter(leveling, stitched, tmp_path / "chapter.wav")
    level = measure_wav(out)
    assert level.frames == total
    assert level.meets_acx, (level.rms_dbfs, level.peak_dbfs)
    assert level.rms_dbfs == pytest.approx(DEFAULT_TARGET_RMS_DBFS, abs=2.0)
    samples = read_samples(out)
    voiced = {}
    position = 0
    for speaker, path in clips[:2]:
        frames = measure_wav(path).frames
        part = samples[position : position + frames].tobytes()
        voiced[speaker] = dbfs(measure_pcm(part).voiced_rms)
        position += frames + pause
    assert abs(voiced["Keeper"] - voiced["Cartographer"]) < 1.5, voiced
