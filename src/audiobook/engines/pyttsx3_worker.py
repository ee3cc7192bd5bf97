"""Runs pyttsx3 in a process of its own: `python -m audiobook.engines.pyttsx3_worker`.

pyttsx3's settings are process-global and its espeak driver keeps state between utterances,
so every batch gets a fresh process (`audiobook.engines.pyttsx3` starts it). Reads a JSON
job on stdin, writes one WAV per item, and answers with one JSON line on stdout. With
`--describe` it answers with the driver, versions and voices instead.

Traps of pyttsx3 2.99 handled here:
- only the last of several queued `save_to_file` calls is written: one call per
  `runAndWait()`, and each file is checked to exist afterwards;
- a bare `runAndWait()` re-synthesises the previous file: never called without a queued file;
- a bad voice name falls back to the default silently: voices are checked against the list;
- a voice change still queued when the first text is saved cuts a text of several
  sentences short and writes no file: settings are applied by a loop of their own first;
- `runAndWait()` from a callback hangs: no callbacks are connected (and the parent process
  gives up after a timeout);
- the espeak driver's WAV header says 22,050 Hz whatever the voice's real rate: the header
  is rewritten with the rate libespeak-ng reports;
- it prints "Audio saved to …" on stdout: stdout is pointed at stderr before it is imported,
  and the answer goes to a duplicate of the original stdout.
"""

from __future__ import annotations

import json
import os
import sys
import wave
from importlib import metadata
from typing import Any

# espeak driver: pyttsx3's own default is 200 wpm but getProperty reports 175, espeak-ng's
# default; 175 is what the espeak-ng engine calls normal too.
ESPEAK_NORMAL_WPM = 175
ESPEAK_NORMAL_PITCH = 50


class JobError(Exception):
    """A job this worker refuses; its message becomes the parent's error."""


def fix_header_rate(path: str, rate: int) -> None:
    """Rewrite a WAV header whose sample rate is wrong, keeping the samples as they are."""
    with wave.open(path, "rb") as f:
        if f.getframerate() == rate:
            return
        params = f.getparams()
        frames = f.readframes(f.getnframes())
    with wave.open(path, "wb") as f:
        f.setnchannels(params.nchannels)
        f.setsampwidth(params.sampwidth)
        f.setframerate(rate)
        f.writeframes(frames)


def real_sample_rate(driver: str) -> int | None:
    """The sample rate the espeak driver really produces, which its WAV header ignores."""
    if driver != "espeak":
        return None  # SAPI5 and NSSpeechSynthesizer write their own, correct headers
    from pyttsx3.drivers import _espeak

    get_rate = getattr(_espeak.dll, "espeak_ng_GetSampleRate", None)
    return int(get_rate()) if get_rate is not None else None


def describe(engine: Any) -> dict[str, Any]:
    """Driver, versions and voices, for listing and for cache keys."""
    driver = getattr(engine, "driver_name", "") or ""
    backend = ""
    if driver == "espeak":
        import ctypes

        from pyttsx3.drivers import _espeak

        info = _espeak.dll.espeak_Info
        info.restype = ctypes.c_char_p
        backend = (info(None) or b"").decode("utf-8", "replace")
    voices = [
        {
            "id": v.id,
            "name": v.name or "",
            "languages": [str(lang) for lang in (v.languages or [])],
            "gender": v.gender,
        }
        for v in engine.getProperty("voices")
    ]
    return {
        "version": f"pyttsx3 {metadata.version('pyttsx3')} {driver} {backend}".strip(),
        "driver": driver,
        "voices": voices,
    }


def apply_settings(engine: Any, job: dict[str, Any], driver: str) -> None:
    """Set voice, rate, pitch and volume, refusing a voice the driver does not have."""
    ids = [v.id for v in engine.getProperty("voices")]
    if job["voice"] not in ids:
        raise JobError(f"pyttsx3 has no voice {job['voice']!r}")
    engine.setProperty("voice", job["voice"])
    normal_wpm = ESPEAK_NORMAL_WPM if driver == "espeak" else engine.getProperty("rate")
    engine.setProperty("rate", round(normal_wpm * job["rate"]))
    engine.setProperty("volume", 1.0)  # the parent applies volume as a gain
    if job["pitch"] != 1.0:
        if driver != "espeak":
            raise JobError(f"the pyttsx3 {driver} driver cannot change pitch")
        engine.setProperty("pitch", round(ESPEAK_NORMAL_PITCH * job["pitch"]))
    # setProperty only queues the change. Left in the queue in front of the first
    # save_to_file, a voice change cuts a text of several sentences short and no file is
    # written at all; a loop of their own applies them before any text is queued (nothing
    # has been spoken yet, so this runAndWait has no previous file to repeat).
    engine.runAndWait()


def run_job(engine: Any, job: dict[str, Any]) -> int:
    """Speak each item into its own file, one queued file per runAndWait."""
    driver = getattr(engine, "driver_name", "") or ""
    apply_settings(engine, job, driver)
    rate = real_sample_rate(driver)
    for item in job["items"]:
        path = item["path"]
        engine.save_to_file(item["text"], path)
        engine.runAndWait()
        if not os.path.exists(path):
            raise JobError(f"pyttsx3 wrote no audio for {item['text'][:40]!r}")
        if rate is not None:
            fix_header_rate(path, rate)
    return len(job["items"])


def main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process."""
    args = sys.argv[1:] if argv is None else argv
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # pyttsx3 prints "Audio saved to …" on stdout
    try:
        import pyttsx3

        engine = pyttsx3.init()
        if args == ["--describe"]:
            result: Any = describe(engine)
        else:
            result = {"written": run_job(engine, json.load(sys.stdin))}
    except (JobError, ImportError, RuntimeError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    json.dump(result, answer)
    answer.write("\n")
    answer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
