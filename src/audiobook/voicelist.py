"""`audiobook voices`: every installed voice, with what someone choosing one wants to know.

Language and gender come from the engines; the sample rate from what each engine declares
(or, with `measure`, from what it really writes); speed is seconds of audio per second of
synthesis on one core: the engine's figure measured on a 2-core machine (Engine.SPEED), or
measured here with `measure`, voice by voice.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from audiobook import ffmpeg
from audiobook.engines import ENGINES, get_engine
from audiobook.engines.base import Engine, VoiceInfo
from audiobook.engines.workers import POOL
from audiobook.errors import AudiobookError
from audiobook.model import VoiceSettings
from audiobook.settings import Settings

log = logging.getLogger(__name__)

# What a voice speaks when its speed is measured: ordinary prose, about ten seconds.
SPEED_TEXT = (
    "The river rose in the night, and by morning the lower fields were under water. "
    "The farmers moved their cattle up the hill and waited for the rain to stop."
)


@dataclass(frozen=True)
class VoiceRow:
    info: VoiceInfo
    sample_rate_hz: int | None  # None: the engine does not say
    speed: float | None  # audio seconds per second of synthesis on one core
    measured: bool = False  # speed and rate measured here, not the engine's figures


@dataclass(frozen=True)
class VoiceListing:
    rows: list[VoiceRow]
    missing: list[str]  # one line per engine not installed or not working here


def list_voices(
    engine_name: str | None = None,
    language: str | None = None,
    *,
    measure: bool = False,
    config: Settings | None = None,
) -> VoiceListing:
    """The installed voices (of one engine, in one language, when asked), and a line for each
    engine that is missing or broken here: a missing engine is news, not an error."""
    rows, missing = [], []
    for name, engine_class in ENGINES.items():
        if engine_name not in (None, name):
            continue
        if not engine_class.is_installed(config):
            missing.append(f"{name}: not installed; {engine_class.INSTALL_HINT}")
            continue
        engine = get_engine(name, config)
        try:
            voices = [
                v
                for v in engine.voices()
                if not language or v.language.lower().startswith(language.lower())
            ]
            rows += list(_rows(engine, voices, measure))
        except AudiobookError as e:
            missing.append(f"{name}: installed but not working: {e}")
    return VoiceListing(rows, missing)


def _rows(engine: Engine, voices: list[VoiceInfo], measure: bool) -> Iterator[VoiceRow]:
    for info in voices:
        if measure:
            try:
                rate, speed = measure_voice(engine, info.id)
            except AudiobookError as e:  # one voice that fails to speak: say so in its row
                log.warning("%s voice %s did not speak: %s", engine.NAME, info.id, e)
                yield VoiceRow(info, None, None, measured=True)
                continue
            yield VoiceRow(info, rate, speed, measured=True)
        else:
            yield VoiceRow(info, engine.sample_rate_hz(info.id), engine.speed(info.id))


def measure_voice(engine: Engine, voice: str) -> tuple[int, float]:
    """The rate a voice really writes at, and its speed speaking SPEED_TEXT alone on one
    core (after a first word, so that loading a neural model is not counted)."""
    settings = VoiceSettings(engine.NAME, voice)
    with tempfile.TemporaryDirectory(prefix="audiobook-voices-") as tmp:
        work = Path(tmp)
        (work / "warm").mkdir()
        engine.synthesize(["Ready."], settings, work / "warm")
        start = time.perf_counter()
        [raw] = engine.synthesize([SPEED_TEXT], settings, work)
        elapsed = time.perf_counter() - start
        POOL.close()  # a neural voice's worker is not needed again: free its memory now
        stream = ffmpeg.probe(raw)["streams"][0]
        audio_s = float(stream.get("duration") or ffmpeg.probe(raw)["format"]["duration"])
        return int(stream["sample_rate"]), audio_s / elapsed


def format_listing(listing: VoiceListing) -> list[str]:
    """The table `audiobook voices` prints, then one line per engine missing here."""
    header = ("ENGINE", "VOICE", "LANGUAGE", "GENDER", "RATE", "SPEED", "NAME")
    table = [header] + [
        (
            row.info.engine,
            row.info.id,
            row.info.language,
            row.info.gender or "-",
            f"{row.sample_rate_hz / 1000:g} kHz" if row.sample_rate_hz else "-",
            _speed(row),
            row.info.name,
        )
        for row in listing.rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]).rstrip()
        for line in table
    ]
    if listing.rows and not any(row.measured for row in listing.rows):
        lines.append(
            "SPEED: seconds of audio per second on one core, measured on a 2-core machine "
            "(~); --measure times each voice here."
        )
    return lines + listing.missing


def _speed(row: VoiceRow) -> str:
    if row.speed is None:
        return "-"
    figure = f"{row.speed:.0f}x" if row.speed >= 10 else f"{row.speed:.1f}x"
    return figure if row.measured else f"~{figure}"
